//! Automatic backups to a second place (a USB stick): consistent snapshots
//! with SQLite's online backup API, the last N kept, and a restore that first
//! shows what a backup holds. A backup that fails never stops the count: the
//! main database keeps working and the user is warned.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::problem::{Problem, ToProblem};
use crate::storage::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupSettings {
    /// The folder backups go to; none until the user chooses one.
    pub dir: Option<String>,
    /// How many backups to keep (oldest removed first).
    pub keep: u32,
    /// Minutes between automatic backups while a count is open.
    pub every_minutes: u32,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings { dir: None, keep: 10, every_minutes: 5 }
    }
}

/// One backup file and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BackupInfo {
    pub path: String,
    pub file_name: String,
    #[ts(type = "number")]
    pub size: u64,
    /// Time of the newest audit event in it.
    pub last_event_at: Option<String>,
    #[ts(type = "number")]
    pub events: i64,
    pub selections: Vec<BackupSelection>,
    /// Set when the file cannot be used (damaged, not ours).
    pub problem: Option<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BackupSelection {
    pub wijk: String,
    pub status: String,
    #[ts(type = "number")]
    pub entries: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("no backup folder chosen")]
    NoDir,
    #[error("backup folder {0} is not there")]
    DirMissing(String),
    #[error("backup folder {0} is full")]
    Full(String),
    #[error("backup to {dir} failed: {detail}")]
    Failed { dir: String, detail: String },
    #[error("backup {path} cannot be used: {detail}")]
    Unusable { path: String, detail: String },
}

impl ToProblem for BackupError {
    fn to_problem(&self) -> Problem {
        match self {
            BackupError::NoDir => Problem::new("backup.no_dir"),
            BackupError::DirMissing(d) => Problem::new("backup.dir_missing").with("dir", d),
            BackupError::Full(d) => Problem::new("backup.full").with("dir", d),
            BackupError::Failed { dir, detail } => {
                Problem::new("backup.failed").with("dir", dir).with("detail", detail)
            }
            BackupError::Unusable { path, detail } => {
                Problem::new("backup.unusable").with("path", path).with("detail", detail)
            }
        }
    }
}

const PREFIX: &str = "wijkstem-";
const SUFFIX: &str = ".sqlite";
/// Next to the database: where backups go, readable even when the database is not.
pub const LOCATION_FILE: &str = "wijkstem-backup-location.txt";

/// A backup file's time in its name (sortable, to the millisecond).
fn stamp(now: time::OffsetDateTime) -> String {
    format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}-{:03}",
        now.year(),
        now.month() as u8,
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.millisecond()
    )
}

fn is_full(e: &str) -> bool {
    let t = e.to_lowercase();
    t.contains("full") || t.contains("no space")
}

impl Store {
    pub fn backup_settings(&self) -> BackupSettings {
        self.state("backup").ok().flatten().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default()
    }

    pub fn set_backup_settings(
        &mut self,
        operator: &str,
        settings: &BackupSettings,
    ) -> Result<(), crate::problem::Failure> {
        if settings.keep == 0 || settings.keep > 1000 || settings.every_minutes == 0 || settings.every_minutes > 24 * 60
        {
            return Err(Problem::new("backup.bad_settings").into());
        }
        let json = serde_json::to_string(settings).expect("serialises");
        self.write(operator, |c| {
            c.tx.execute("INSERT INTO app_state (key, value) VALUES ('backup', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [&json])
                .map_err(|e| c.err(e))?;
            c.record(crate::storage::audit::AppEvent::BackupSettings { settings })
        })?;
        // Also beside the database, so a restore can find the backups when
        // the database itself no longer opens.
        if let (Some(dir), Some(parent)) = (&settings.dir, Path::new(self.path()).parent()) {
            let _ = std::fs::write(parent.join(LOCATION_FILE), dir);
        }
        Ok(())
    }

    /// A consistent snapshot into `dir`, checked, then the oldest beyond `keep` removed.
    pub fn backup_to(&self, dir: &Path, keep: u32) -> Result<BackupInfo, BackupError> {
        let shown = dir.display().to_string();
        if !dir.is_dir() {
            return Err(BackupError::DirMissing(shown));
        }
        let name = format!("{PREFIX}{}{SUFFIX}", stamp(self.clock().now()));
        let part = dir.join(format!(".{name}.part"));
        let fail = |e: &dyn std::fmt::Debug| {
            // SQLite reports a full disk during a backup step as SQLITE_FULL,
            // with "not an error" as its text: look at the code, not the words.
            let d = format!("{e:?}");
            if is_full(&d) || d.contains("DiskFull") {
                BackupError::Full(shown.clone())
            } else {
                BackupError::Failed { dir: shown.clone(), detail: d }
            }
        };
        let result = (|| -> Result<(), BackupError> {
            let mut dst = Connection::open(&part).map_err(|e| fail(&e))?;
            {
                let b = rusqlite::backup::Backup::new(self.conn(), &mut dst).map_err(|e| fail(&e))?;
                b.run_to_completion(1024, std::time::Duration::ZERO, None).map_err(|e| fail(&e))?;
            }
            let ok: String = dst.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| fail(&e))?;
            if ok != "ok" {
                return Err(BackupError::Failed { dir: shown.clone(), detail: ok });
            }
            drop(dst);
            std::fs::File::open(&part).and_then(|f| f.sync_all()).map_err(|e| fail(&e))?;
            std::fs::rename(&part, dir.join(&name)).map_err(|e| fail(&e))?;
            Ok(())
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&part);
            return Err(e);
        }
        let mut all = backup_files(dir);
        all.sort();
        while all.len() > keep.max(1) as usize {
            let _ = std::fs::remove_file(all.remove(0));
        }
        let _ = self.set_state("last_backup", &self.clock().stamp());
        // The copy's integrity was checked above; what it holds is enough here.
        Ok(read_info(&dir.join(name), false))
    }
}

/// Backup files in a folder, oldest first (names sort by time).
pub fn backup_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The backups in a folder, newest first, each with what it holds (read
/// quickly: the full check comes when one is restored).
pub fn list(dir: &Path) -> Vec<BackupInfo> {
    let mut v: Vec<BackupInfo> = backup_files(dir).iter().map(|p| read_info(p, false)).collect();
    v.reverse();
    v
}

/// What a backup holds, with a full check (integrity and audit chain):
/// what a restore relies on.
pub fn inspect(path: &Path) -> BackupInfo {
    read_info(path, true)
}

/// What a backup holds, read without changing it. `thorough` adds SQLite's
/// integrity check and the audit chain, which read the whole file.
fn read_info(path: &Path, thorough: bool) -> BackupInfo {
    let mut info = BackupInfo {
        path: path.display().to_string(),
        file_name: path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
        size: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        last_event_at: None,
        events: 0,
        selections: vec![],
        problem: None,
    };
    let r = (|| -> Result<(), String> {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| e.to_string())?;
        let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(|e| e.to_string())?;
        if app != crate::storage::store::APPLICATION_ID {
            return Err("not a Wijkstem database".into());
        }
        if thorough {
            let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| e.to_string())?;
            if ok != "ok" {
                return Err(ok);
            }
            let chain = crate::storage::store::verify(&conn).map_err(|e| e.to_string())?;
            if let Some(b) = chain.broken_at {
                return Err(format!("audit log broken at event {}", b.seq));
            }
        }
        info.events = conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).map_err(|e| e.to_string())?;
        info.last_event_at =
            conn.query_row("SELECT max(at) FROM audit_log", [], |r| r.get(0)).map_err(|e| e.to_string())?;
        let mut stmt = conn
            .prepare("SELECT s.wijk, s.status, (SELECT count(*) FROM ballot_entry e WHERE e.selection_id = s.id AND e.status = 'active') FROM selection s ORDER BY s.id")
            .map_err(|e| e.to_string())?;
        info.selections = stmt
            .query_map([], |r| Ok(BackupSelection { wijk: r.get(0)?, status: r.get(1)?, entries: r.get(2)? }))
            .map_err(|e| e.to_string())?
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        Ok(())
    })();
    if let Err(detail) = r {
        info.problem = Some(BackupError::Unusable { path: info.path.clone(), detail }.to_problem());
    }
    info
}

/// Put a backup in place of the database at `db`. The current file is kept
/// beside it (renamed), never deleted, so a wrong restore can be undone.
pub fn restore_file(backup: &Path, db: &Path) -> Result<PathBuf, BackupError> {
    let info = inspect(backup);
    if let Some(p) = info.problem {
        return Err(BackupError::Unusable {
            path: info.path,
            detail: p.params.get("detail").cloned().unwrap_or_default(),
        });
    }
    let dir = db.parent().unwrap_or(Path::new("."));
    let kept = dir.join(format!(
        "{}.voor-herstel-{}",
        db.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
        // No store to ask: the database may be the broken one being replaced.
        stamp(crate::clock::Clock::System.now())
    ));
    let fail = |e: std::io::Error| BackupError::Failed { dir: dir.display().to_string(), detail: e.to_string() };
    let part = dir.join(".wijkstem-restore.part");
    std::fs::copy(backup, &part).map_err(fail)?;
    std::fs::File::open(&part).and_then(|f| f.sync_all()).map_err(fail)?;
    if db.exists() {
        std::fs::rename(db, &kept).map_err(fail)?;
        for ext in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{ext}", db.display()));
            if side.exists() {
                let _ = std::fs::rename(&side, PathBuf::from(format!("{}{ext}", kept.display())));
            }
        }
    }
    std::fs::rename(&part, db).map_err(fail)?;
    Ok(kept)
}
