//! Counting on several laptops: set-up and station packages, admitting a
//! station, importing its packages, and the conflicts they leave
//! (`crate::station`). The CLI and the app call these same methods.

use super::*;
use crate::station::{ConflictView, Origin, PackageImport, StationView};

/// A package written into the export folder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct PackageFile {
    pub path: String,
    /// The station package's number (the set-up package: 0).
    #[ts(type = "number")]
    pub number: i64,
    /// The key that signed it: on the coordinator's laptop, what each
    /// station compares when it reads the set-up in.
    pub key_id: String,
}

/// A set-up package read in: this laptop is now a counting station.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct SetupImported {
    /// The station's copy of the selection, here.
    #[ts(type = "number")]
    pub selection_id: i64,
    /// The key that signed the set-up: compare it with the coordinator's laptop.
    pub coordinator_key: String,
    /// This laptop's key: the coordinator admits the station by it.
    pub station_key: String,
}

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

    /// A station's signed package of its entries (all boxes, or one), and
    /// its number. With `hand_in` the box (or every box) closes here: this
    /// laptop's work on it is done.
    pub fn export_station(
        &mut self,
        selection_id: i64,
        box_name: Option<&str>,
        hand_in: bool,
        passphrase: Option<&str>,
    ) -> Res<(Vec<u8>, i64)> {
        let who = self.who()?;
        let signer = self.signer(passphrase)?;
        crate::station::export_station(&mut self.store, &who, selection_id, box_name, hand_in, &signer)
    }

    /// Import one station package into the coordinator's selection.
    pub fn import_station(&mut self, selection_id: i64, bytes: &[u8], file_name: &str) -> Res<PackageImport> {
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

/// The same steps with files: what the app's file pickers and the CLI call.
impl Session {
    /// Write the set-up package into the export folder.
    pub fn export_setup_file(&mut self, selection_id: i64, passphrase: Option<&str>) -> Res<PackageFile> {
        let zip = self.export_setup(selection_id, passphrase)?;
        let sel = crate::selection::read(self.store.db(), selection_id)?;
        let stamp = self.store.clock().stamp().replace(':', "");
        let path = write_export(&format!("opstart-{}-{stamp}.wsp", slug(&sel.wijk)), &zip)?;
        Ok(PackageFile { path, number: 0, key_id: self.station_key_id(passphrase)? })
    }

    /// Read a set-up package from a file and become a counting station.
    pub fn import_setup_file(&mut self, path: &str, passphrase: Option<&str>) -> Res<SetupImported> {
        let bytes = read_picked(path)?;
        let (selection_id, coordinator_key) = self.import_setup(&bytes, &file_name(path))?;
        Ok(SetupImported { selection_id, coordinator_key, station_key: self.station_key_id(passphrase)? })
    }

    /// Write this station's package into the export folder (`hand_in`: the
    /// box, or every box, is done on this laptop).
    pub fn export_station_file(
        &mut self,
        selection_id: i64,
        box_name: Option<&str>,
        hand_in: bool,
        passphrase: Option<&str>,
    ) -> Res<PackageFile> {
        let (zip, number) = self.export_station(selection_id, box_name, hand_in, passphrase)?;
        let sel = crate::selection::read(self.store.db(), selection_id)?;
        let what = box_name.map(|b| format!("-{}", slug(b))).unwrap_or_default();
        let path = write_export(&format!("telpost-{}{what}-{number}.wsp", slug(&sel.wijk)), &zip)?;
        Ok(PackageFile { path, number, key_id: self.station_key_id(passphrase)? })
    }

    /// Import one station package from a file.
    pub fn import_station_file(&mut self, selection_id: i64, path: &str) -> Res<PackageImport> {
        let bytes = read_picked(path)?;
        self.import_station(selection_id, &bytes, &file_name(path))
    }

    /// Compare an offline desk's list of pseudonyms (a file) with the online voters.
    pub fn check_desk_list_file(&mut self, selection_id: i64, path: &str) -> Res<crate::paper::online::DeskCheck> {
        let bytes = read_picked(path)?;
        let who = self.coordinator()?;
        self.store.check_desk_list(&who, selection_id, &bytes, &file_name(path))
    }

    /// Import the online vote from a file.
    pub fn import_online_file(&mut self, selection_id: i64, path: &str) -> Res<crate::paper::online::OnlineReport> {
        let bytes = read_picked(path)?;
        self.import_online(selection_id, &bytes, &file_name(path))
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
