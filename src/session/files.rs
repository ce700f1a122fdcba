//! Files picked in dialogs and files written to the export folder.

use super::*;

/// A chosen file's name, as messages and records name it.
pub(super) fn file_name(path: &str) -> String {
    Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// A file the user picked, read whole (refused above 200 MB: no plans CSV,
/// key or result bundle is that large).
pub(super) fn read_picked(path: &str) -> Res<Vec<u8>> {
    const LIMIT: u64 = 200 * 1024 * 1024;
    let failed =
        |e: std::io::Error| Failure::from(Problem::new("file.unreadable").with("path", path).with("detail", e));
    let meta = std::fs::metadata(path).map_err(failed)?;
    if !meta.is_file() || meta.len() > LIMIT {
        return Err(Problem::new("export.not_a_file").with("path", path).into());
    }
    std::fs::read(path).map_err(failed)
}

/// Open a file Wijkstem wrote, or the folder it is in, with the laptop's
/// own program (PDF viewer, file manager). Only inside the export folder:
/// the app's window cannot have anything else opened. `WIJKSTEM_OPENER`
/// names another program to open with (tests use it).
pub fn open_export(path: &str, folder: bool) -> Res<()> {
    let refused = || Failure::from(Problem::new("export.open_outside").with("path", path));
    let root = std::fs::canonicalize(crate::paper::export_dir()).map_err(|_| refused())?;
    let file = std::fs::canonicalize(path).map_err(|_| refused())?;
    if !file.starts_with(&root) {
        return Err(refused());
    }
    let target = if folder { file.parent().map(Path::to_path_buf).unwrap_or(root) } else { file };
    let program = std::env::var("WIJKSTEM_OPENER").ok().filter(|p| !p.is_empty()).unwrap_or_else(|| {
        if cfg!(target_os = "windows") {
            "explorer".into()
        } else if cfg!(target_os = "macos") {
            "open".into()
        } else {
            "xdg-open".into()
        }
    });
    std::process::Command::new(&program)
        .arg(&target)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| Failure::from(Problem::new("export.open_failed").with("path", target.display()).with("detail", e)))
}

/// A file name part from a wijk name: lower case, dashes for the rest.
pub fn slug(text: &str) -> String {
    text.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

/// Write a file into the export folder; a full or read-only disk gets a
/// clear message and the data stays in the database.
/// A file to be written after something is recorded: made (empty, as
/// `.<name>.part` beside it) before, so a folder that cannot be written is
/// refused while nothing has been recorded yet; `finish` writes it and moves
/// it into place. Dropped unfinished, the part file is removed.
pub struct OutFile {
    path: std::path::PathBuf,
    part: std::path::PathBuf,
}

impl OutFile {
    pub fn create(path: &Path) -> Res<OutFile> {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "uitvoer".into());
        let part = path.with_file_name(format!(".{name}.part"));
        let failed = |e: std::io::Error| {
            Failure::from(Problem::new("export.write").with("path", path.display()).with("detail", e))
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(failed)?;
        }
        std::fs::File::create(&part).map_err(failed)?;
        Ok(OutFile { path: path.to_path_buf(), part })
    }

    /// In the export folder (see `paper::export_dir`).
    pub fn export(name: &str) -> Res<OutFile> {
        OutFile::create(&crate::paper::export_dir().join(name))
    }

    pub fn finish(self, bytes: &[u8]) -> Res<String> {
        let failed = |e: std::io::Error| {
            Failure::from(Problem::new("export.write").with("path", self.path.display()).with("detail", e))
        };
        std::fs::write(&self.part, bytes).map_err(failed)?;
        std::fs::rename(&self.part, &self.path).map_err(failed)?;
        Ok(self.path.display().to_string())
    }
}

impl Drop for OutFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.part);
    }
}

/// Write a file into the export folder (through a part file, see [`OutFile`]).
pub fn write_export(name: &str, bytes: &[u8]) -> Res<String> {
    OutFile::export(name)?.finish(bytes)
}
