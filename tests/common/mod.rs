//! Independent checkers shared by the integration tests: the Debian tools
//! that read our PDFs without our code.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

pub fn have(tool: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().map(|o| o.status.success()).unwrap_or(false)
}

/// Whether a checker is there; in CI its absence fails the test instead of skipping a check.
pub fn need(tool: &str) -> bool {
    if have(tool) {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "{tool} is needed in CI");
    false
}

/// Every QR code in a PDF, page by page: rendered by pdftoppm at 150 dpi and
/// decoded by zbarimg. `None` when the tools are missing (outside CI only).
pub fn pdf_qr_codes(pdf: &Path, work: &Path) -> Option<Vec<String>> {
    if !(need("pdftoppm") && need("zbarimg")) {
        return None;
    }
    let dir = tempfile::tempdir_in(work).unwrap();
    assert!(Command::new("pdftoppm")
        .args(["-r", "150", "-png"])
        .arg(pdf)
        .arg(dir.path().join("page"))
        .status()
        .unwrap()
        .success());
    let mut pages: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    pages.sort();
    let mut codes = Vec::new();
    for page in pages {
        let out = Command::new("zbarimg").args(["-q", "--raw"]).arg(&page).output().unwrap();
        codes.extend(String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.is_empty()).map(String::from));
    }
    Some(codes)
}

/// The text of a PDF as pdftotext reads it; `None` when it is missing (outside CI only).
pub fn pdf_text(pdf: &Path) -> Option<String> {
    need("pdftotext").then(|| {
        String::from_utf8_lossy(&Command::new("pdftotext").arg(pdf).arg("-").output().unwrap().stdout).to_string()
    })
}
