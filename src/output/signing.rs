//! The installation's signing key: Ed25519 in minisign's standard format, so
//! anyone can check a bundle with the `minisign` tool. Generated on first
//! use, kept in the app's data directory readable by the owner only,
//! optionally protected by a passphrase.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use minisign::{KeyPair, PublicKey, PublicKeyBox, SecretKey, SecretKeyBox, SignatureBox};

use crate::problem::{Problem, ToProblem};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read or write the key in {dir}: {detail}")]
    Io { dir: String, detail: String },
    #[error("the signing key needs its passphrase")]
    Passphrase,
    #[error("the key file {path} is damaged")]
    Damaged { path: String },
    #[error("signing failed: {0}")]
    Sign(String),
    #[error("a public key exists at {path} but its secret key is missing")]
    SecretMissing { path: String },
    #[error("the public key at {path} does not belong to the secret key")]
    PublicMismatch { path: String },
}

impl ToProblem for KeyError {
    fn to_problem(&self) -> Problem {
        match self {
            KeyError::Io { dir, detail } => Problem::new("key.io").with("dir", dir).with("detail", detail),
            KeyError::Passphrase => Problem::new("key.passphrase"),
            KeyError::Damaged { path } => Problem::new("key.damaged").with("path", path),
            KeyError::Sign(d) => Problem::new("key.sign").with("detail", d),
            KeyError::SecretMissing { path } => Problem::new("key.secret_missing").with("path", path),
            KeyError::PublicMismatch { path } => Problem::new("key.public_mismatch").with("path", path),
        }
    }
}

/// Where the key lives: `WIJKSTEM_KEY_DIR`, else the app's data directory.
pub fn key_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("WIJKSTEM_KEY_DIR") {
        return d.into();
    }
    crate::storage::store::Store::default_path().parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

pub struct Signer {
    sk: SecretKey,
    pub pk: PublicKey,
}

/// The key files in the key folder.
pub const SECRET: &str = "wijkstem.key";
pub const PUBLIC: &str = "wijkstem.pub";

/// The key id minisign prints: the 8-byte key number as 16 hex digits.
pub fn key_id(pk: &PublicKey) -> String {
    let bytes = pk.to_bytes();
    // sig_alg (2 bytes), then the key number, little endian.
    let mut n = [0u8; 8];
    n.copy_from_slice(&bytes[2..10]);
    format!("{:016X}", u64::from_le_bytes(n))
}

/// The public key as minisign writes it (`untrusted comment` line + base64).
pub fn public_key_file(pk: &PublicKey) -> String {
    pk.to_box().expect("a public key boxes").into_string()
}

pub fn public_key_from_file_text(text: &str) -> Option<PublicKey> {
    let t = text.trim();
    // Accept a whole .pub file or just its base64 line.
    let line = t.lines().find(|l| !l.starts_with("untrusted comment:")).unwrap_or(t);
    PublicKey::from_base64(line.trim()).ok().or_else(|| PublicKeyBox::from_string(t).ok()?.into_public_key().ok())
}

impl Signer {
    /// Load the key from `dir`, creating it on first use (protected by
    /// `passphrase` when one is given).
    pub fn load_or_create(dir: &Path, passphrase: Option<&str>) -> Result<Signer, KeyError> {
        let io = |e: std::io::Error| KeyError::Io { dir: dir.display().to_string(), detail: e.to_string() };
        let sk_path = dir.join(SECRET);
        let pass = passphrase.unwrap_or("").to_string();
        if sk_path.exists() {
            let text = std::fs::read_to_string(&sk_path).map_err(io)?;
            let boxed = SecretKeyBox::from_string(&text)
                .map_err(|_| KeyError::Damaged { path: sk_path.display().to_string() })?;
            let sk = SecretKey::from_box(boxed, Some(pass)).map_err(|e| {
                if e.to_string().contains("password") {
                    KeyError::Passphrase
                } else {
                    KeyError::Damaged { path: sk_path.display().to_string() }
                }
            })?;
            // The public key is derived from the secret one; a .pub file beside
            // it that says otherwise is refused, and a missing one is rewritten.
            let pk = PublicKey::from_secret_key(&sk).map_err(|e| KeyError::Sign(e.to_string()))?;
            let pub_path = dir.join(PUBLIC);
            match std::fs::read_to_string(&pub_path) {
                Ok(text) => {
                    let on_file = public_key_from_file_text(&text)
                        .ok_or_else(|| KeyError::Damaged { path: pub_path.display().to_string() })?;
                    if on_file.keynum() != pk.keynum() || on_file.to_base64() != pk.to_base64() {
                        return Err(KeyError::PublicMismatch { path: pub_path.display().to_string() });
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    std::fs::write(&pub_path, public_key_file(&pk)).map_err(io)?;
                }
                Err(e) => return Err(io(e)),
            }
            return Ok(Signer { sk, pk });
        }
        // Never a new key where one was published: results signed with it
        // would no longer match what people check against.
        if dir.join(PUBLIC).exists() {
            return Err(KeyError::SecretMissing { path: dir.join(PUBLIC).display().to_string() });
        }
        std::fs::create_dir_all(dir).map_err(io)?;
        let KeyPair { pk, sk } =
            KeyPair::generate_encrypted_keypair(Some(pass)).map_err(|e| KeyError::Sign(e.to_string()))?;
        let sk_text = sk.to_box(Some("Wijkstem signing key")).map_err(|e| KeyError::Sign(e.to_string()))?.into_string();
        write_private(&sk_path, sk_text.as_bytes()).map_err(io)?;
        std::fs::write(dir.join(PUBLIC), public_key_file(&pk)).map_err(io)?;
        Ok(Signer { sk, pk })
    }

    pub fn key_id(&self) -> String {
        key_id(&self.pk)
    }

    /// A minisign signature (prehashed, the current standard) of `data`,
    /// with a trusted comment that is itself signed.
    pub fn sign(&self, data: &[u8], trusted_comment: &str) -> Result<String, KeyError> {
        let sig = minisign::sign(
            Some(&self.pk),
            &self.sk,
            Cursor::new(data),
            Some(trusted_comment),
            Some("Wijkstem result bundle signature"),
        )
        .map_err(|e| KeyError::Sign(e.to_string()))?;
        Ok(sig.into_string())
    }
}

/// Check a minisign signature. `Err` carries minisign's reason.
pub fn verify(pk: &PublicKey, data: &[u8], signature: &str) -> Result<String, String> {
    let sig = SignatureBox::from_string(signature).map_err(|e| e.to_string())?;
    minisign::verify(pk, &sig, Cursor::new(data), true, false, false).map_err(|e| e.to_string())?;
    sig.trusted_comment().map_err(|e| e.to_string())
}

/// The key id a signature names (to say which key signed a bundle).
pub fn signature_key_id(signature: &str) -> Option<String> {
    let sig = SignatureBox::from_string(signature).ok()?;
    let mut n = [0u8; 8];
    n.copy_from_slice(sig.keynum());
    Some(format!("{:016X}", u64::from_le_bytes(n)))
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
        f.write_all(bytes)?;
        f.sync_all()
    }
    #[cfg(not(unix))]
    {
        std::fs::write(path, bytes)
    }
}
