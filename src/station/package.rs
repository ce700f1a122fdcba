//! The signed package that carries a selection's set-up to a counting
//! station, and a station's entries back (`docs/stations.md`): a zip with
//! `manifest.json` (every file's SHA-256 and size, the origin, the signer's
//! key) and its minisign signature `manifest.json.minisig`, as the result
//! bundle is. Reading checks the signature against the key the manifest
//! names, every file against the manifest and that nothing else is in the
//! zip; whether that key is trusted is the caller's decision.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use serde::{Deserialize, Serialize};

use crate::output::bundle::FileEntry;
use crate::output::signing::Signer;
use crate::problem::{Failure, Problem};

pub const SETUP_FORMAT: &str = "wijkstem-setup/1";
pub const STATION_FORMAT: &str = "wijkstem-station/1";
use crate::output::bundle::{MANIFEST, SIGNATURE};
/// No real package comes near this; a zip that claims more is refused
/// before it is unpacked.
const MAX_FILE: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// The coordinator's key id and the selection's id on the coordinator's
    /// laptop: the selection's name across laptops.
    pub origin_key: String,
    pub origin_selection_id: i64,
    /// The set-up's content hash (for a set-up package: its own).
    pub setup_hash: String,
    /// A station's packages count up from 1; a set-up package is 0.
    pub number: i64,
    pub created_at: String,
    pub key_id: String,
    pub public_key: String,
    pub files: Vec<FileEntry>,
}

pub use crate::output::bundle::{content_hash, sha};

fn p(code: &str) -> Problem {
    Problem::new(code)
}

/// The signed zip of `files` with `manifest` (its `files`, key id and public
/// key are filled in here).
pub fn write(mut manifest: Manifest, files: &BTreeMap<String, Vec<u8>>, signer: &Signer) -> Result<Vec<u8>, Failure> {
    manifest.key_id = signer.key_id();
    manifest.public_key = signer.pk.to_base64();
    manifest.files =
        files.iter().map(|(path, b)| FileEntry { path: path.clone(), sha256: sha(b), size: b.len() as u64 }).collect();
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).expect("serialises");
    let comment = format!(
        "{} origin={}/{} number={}",
        manifest.format, manifest.origin_key, manifest.origin_selection_id, manifest.number
    );
    let signature = signer.sign(&manifest_bytes, &comment)?;
    crate::output::bundle::export::signed_zip(&manifest_bytes, &signature, files)
}

/// A package whose signature and files check, with its manifest, files and
/// the SHA-256 of the whole package.
#[derive(Debug)]
pub struct Opened {
    pub manifest: Manifest,
    pub files: BTreeMap<String, Vec<u8>>,
    pub sha256: String,
}

/// Open a package of `format` and check it whole; `file` names it in messages.
/// Refused (one message, nothing returned) when it is not a package, its
/// signature does not check against the key it names, or any file differs
/// from the manifest, is missing or was added.
pub fn open(bytes: &[u8], format: &str, file: &str) -> Result<Opened, Failure> {
    let bad = |code: &str| Failure::from(p(code).with("file", file));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| bad("station.not_a_package"))?;
    let read = |name: &str, zip: &mut zip::ZipArchive<Cursor<&[u8]>>| -> Result<Vec<u8>, Failure> {
        let f = zip.by_name(name).map_err(|_| bad("station.not_a_package"))?;
        if f.size() > MAX_FILE {
            return Err(bad("station.not_a_package"));
        }
        let mut out = Vec::with_capacity(f.size() as usize);
        f.take(MAX_FILE + 1).read_to_end(&mut out).map_err(|_| bad("station.not_a_package"))?;
        Ok(out)
    };
    let manifest_bytes = read(MANIFEST, &mut zip)?;
    let signature = String::from_utf8(read(SIGNATURE, &mut zip)?).map_err(|_| bad("station.bad_signature"))?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes).map_err(|_| bad("station.not_a_package"))?;
    if manifest.format != format {
        let code = if manifest.format == SETUP_FORMAT || manifest.format == STATION_FORMAT {
            "station.wrong_kind"
        } else {
            "station.not_a_package"
        };
        return Err(Failure::from(p(code).with("file", file).with("format", &manifest.format)));
    }
    let pk = minisign::PublicKey::from_base64(&manifest.public_key).map_err(|_| bad("station.bad_signature"))?;
    if crate::output::signing::key_id(&pk) != manifest.key_id
        || crate::output::signing::verify(&pk, &manifest_bytes, &signature).is_err()
    {
        return Err(bad("station.bad_signature"));
    }
    let mut files = BTreeMap::new();
    for entry in &manifest.files {
        let b = read(&entry.path, &mut zip).map_err(|_| bad("station.tampered"))?;
        if sha(&b) != entry.sha256 || b.len() as u64 != entry.size {
            return Err(bad("station.tampered"));
        }
        files.insert(entry.path.clone(), b);
    }
    if zip.len() != manifest.files.len() + 2 {
        return Err(bad("station.tampered"));
    }
    Ok(Opened { manifest, files, sha256: sha(bytes) })
}
