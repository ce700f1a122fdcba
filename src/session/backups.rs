//! Automatic and manual backups, and restoring one.

use super::*;

/// The state of automatic backups, for the screen.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct BackupStatus {
    pub settings: crate::storage::backup::BackupSettings,
    pub last_backup: Option<String>,
    pub warning: Option<Problem>,
}

impl Session {
    pub fn backup_settings(&self) -> crate::storage::backup::BackupSettings {
        self.store.backup_settings()
    }

    pub fn set_backup_settings(&mut self, settings: &crate::storage::backup::BackupSettings) -> Res<()> {
        let who = self.coordinator()?;
        self.store.set_backup_settings(&who, settings)?;
        self.backup_warning = None;
        Ok(())
    }

    /// Make a backup now into the chosen folder.
    /// A backup now, asked for by someone signed in.
    pub fn backup_now(&mut self) -> Res<crate::storage::backup::BackupInfo> {
        self.who()?;
        self.make_backup()
    }

    /// A backup now: asked for, or due (`backup_tick`, which needs no sign-in).
    pub(super) fn make_backup(&mut self) -> Res<crate::storage::backup::BackupInfo> {
        let settings = self.store.backup_settings();
        let dir = settings.dir.clone().ok_or(crate::storage::backup::BackupError::NoDir)?;
        match self.store.backup_to(Path::new(&dir), settings.keep) {
            Ok(info) => {
                self.backup_warning = None;
                Ok(info)
            }
            Err(e) => {
                let f = Failure::from(e);
                self.backup_warning = f.problems.first().cloned();
                Err(f)
            }
        }
    }

    /// Called regularly by the app: makes a backup when one is due while a
    /// count is open. Never fails: a problem becomes the warning shown.
    pub fn backup_tick(&mut self) -> BackupStatus {
        let settings = self.store.backup_settings();
        let open = crate::selection::list_selections(self.store.db())
            .map(|l| l.iter().any(|s| s.status != crate::selection::Status::Closed))
            .unwrap_or(false);
        let last = self.store.state("last_backup").ok().flatten();
        let due = match (&settings.dir, &last) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(_), Some(at)) => time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
                .map(|t| (self.store.clock().now() - t).whole_seconds() >= settings.every_minutes as i64 * 60)
                .unwrap_or(true),
        };
        if due && open {
            let _ = self.make_backup();
        }
        BackupStatus {
            settings,
            last_backup: self.store.state("last_backup").ok().flatten(),
            warning: self.backup_warning.clone(),
        }
    }

    /// The backups in the chosen folder (or `dir`), newest first, each with what it holds.
    pub fn list_backups(&self, dir: Option<&str>) -> Vec<crate::storage::backup::BackupInfo> {
        let dir = dir.map(String::from).or(self.store.backup_settings().dir);
        dir.map(|d| crate::storage::backup::list(Path::new(&d))).unwrap_or_default()
    }

    /// Put a backup in place of the open database. The current file is kept
    /// beside it; the restore itself is recorded in the audit log.
    pub fn restore_backup(&mut self, backup: &str) -> Res<String> {
        let who = self.coordinator()?;
        let db = std::path::PathBuf::from(self.store.path());
        if self.store.path() == ":memory:" {
            return Err(Problem::new("backup.in_memory").into());
        }
        // Close the file before replacing it.
        self.store = Store::open_in_memory()?;
        let restored = crate::storage::backup::restore_file(Path::new(backup), &db);
        self.store = Store::open(&db)?;
        let kept = restored?;
        self.store.write(&who, |c| {
            c.record(crate::storage::audit::AppEvent::BackupRestore {
                from: backup,
                previous_kept_as: &kept.display().to_string(),
            })
        })?;
        Ok(kept.display().to_string())
    }
}

/// Backups beside a database that does not open: the folder named in the
/// location file next to it, if any.
pub fn backups_for_broken_db(db: &Path, dir: Option<&str>) -> Vec<crate::storage::backup::BackupInfo> {
    let dir = dir.map(String::from).or_else(|| {
        std::fs::read_to_string(db.parent().unwrap_or(Path::new(".")).join(crate::storage::backup::LOCATION_FILE))
            .ok()
            .map(|s| s.trim().to_string())
    });
    dir.map(|d| crate::storage::backup::list(Path::new(&d))).unwrap_or_default()
}
