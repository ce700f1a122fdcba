//! Counting on several laptops: set-up and station packages, admitting a
//! station, importing its packages, and the conflicts they leave
//! (`crate::station`). The CLI and the app call these same methods.

use super::*;
use crate::station::{ConflictView, ImportReport, Origin, StationView};

impl Session {
    /// Sign this session's packages with the key in `dir` instead of the
    /// installation's (one process playing several laptops: tests).
    pub fn use_key_dir(&mut self, dir: &Path) {
        self.key_dir = Some(dir.to_path_buf());
    }

    fn signer(&self, passphrase: Option<&str>) -> Res<crate::output::signing::Signer> {
        let dir = self.key_dir.clone().unwrap_or_else(crate::output::signing::key_dir);
        Ok(crate::output::signing::Signer::load_or_create(&dir, passphrase.filter(|p| !p.is_empty()))?)
    }

    /// This laptop's key id: what a coordinator admits a station by.
    pub fn station_key_id(&self, passphrase: Option<&str>) -> Res<String> {
        Ok(self.signer(passphrase)?.key_id())
    }

    /// The coordinator's signed set-up package of a paper-ballot selection.
    pub fn export_setup(&mut self, selection_id: i64, passphrase: Option<&str>) -> Res<Vec<u8>> {
        let who = self.coordinator()?;
        let signer = self.signer(passphrase)?;
        crate::station::export_setup(&mut self.store, &who, selection_id, &signer)
    }

    /// Become a counting station for the selection in a set-up package.
    /// Returns the new selection's id here and the coordinator's key id.
    pub fn import_setup(&mut self, bytes: &[u8], file_name: &str) -> Res<(i64, String)> {
        let who = self.coordinator()?;
        crate::station::import_setup(&mut self.store, &who, bytes, file_name)
    }

    /// Whether the selection is a station's copy, and of what.
    pub fn station_origin(&self, selection_id: i64) -> Res<Option<Origin>> {
        self.who()?;
        crate::station::origin(self.store.db(), selection_id)
    }

    pub fn admit_station(&mut self, selection_id: i64, key_id: &str, name: &str) -> Res<()> {
        let who = self.coordinator()?;
        crate::station::admit(&mut self.store, &who, selection_id, key_id, name)
    }

    /// A station's signed package of its entries (all boxes, or one), and its number.
    pub fn export_station(
        &mut self,
        selection_id: i64,
        box_name: Option<&str>,
        passphrase: Option<&str>,
    ) -> Res<(Vec<u8>, i64)> {
        let who = self.who()?;
        let signer = self.signer(passphrase)?;
        crate::station::export_station(&mut self.store, &who, selection_id, box_name, &signer)
    }

    /// Import one station package into the coordinator's selection.
    pub fn import_station(&mut self, selection_id: i64, bytes: &[u8], file_name: &str) -> Res<ImportReport> {
        let who = self.coordinator()?;
        let me = self.signer(None)?.key_id();
        crate::station::import_station(&mut self.store, &who, selection_id, &me, bytes, file_name)
    }

    pub fn stations(&self, selection_id: i64) -> Res<Vec<StationView>> {
        self.coordinator()?;
        crate::station::stations(self.store.db(), selection_id)
    }

    pub fn station_conflicts(&self, selection_id: i64) -> Res<Vec<ConflictView>> {
        self.coordinator()?;
        crate::station::conflicts(self.store.db(), selection_id)
    }

    pub fn settle_conflict(&mut self, selection_id: i64, conflict_id: i64, note: &str) -> Res<()> {
        let who = self.coordinator()?;
        crate::station::settle(&mut self.store, &who, selection_id, conflict_id, note)
    }
}

impl Session {
    /// Import the online vote (the platform's `.pb` or CSV export) into a
    /// paper-ballot selection, all or nothing (`crate::paper::online`).
    pub fn import_online(
        &mut self,
        selection_id: i64,
        bytes: &[u8],
        file_name: &str,
    ) -> Res<crate::paper::online::OnlineReport> {
        let who = self.coordinator()?;
        self.store.import_online(&who, selection_id, bytes, file_name)
    }
}
