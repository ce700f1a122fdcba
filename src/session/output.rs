//! The result as it leaves the laptop: report, signed bundle, public key,
//! and checking a bundle.

use super::*;

/// What an export of the result wrote.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct BundleExport {
    pub bundle_path: String,
    pub report_path: String,
    pub key_id: String,
    pub content_hash: String,
}

/// The outcome of checking a bundle, for the screen.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct VerifyView {
    pub ok: bool,
    pub passed: Vec<Problem>,
    pub problems: Vec<Problem>,
}

impl Session {
    /// The proces-verbaal (PDF bytes) of a closed count and the content hash
    /// printed on it, as the signed bundle holds it.
    pub fn report_pdf(
        &self,
        selection_id: i64,
        passphrase: Option<&str>,
        lang: crate::i18n::Lang,
    ) -> Res<(Vec<u8>, String)> {
        self.coordinator()?;
        let signer = crate::output::signing::Signer::load_or_create(
            &crate::output::signing::key_dir(),
            passphrase.filter(|p| !p.is_empty()),
        )?;
        let mut parts =
            crate::output::bundle::export::bundle_parts(self.store.db(), selection_id, &signer.key_id(), lang)?;
        let pdf = parts.files.remove(crate::output::bundle::REPORT).expect("the bundle's parts hold the report");
        Ok((pdf, parts.footer.content_hash))
    }

    /// The signed bundle (zip bytes) of a closed count, checked with the
    /// verifier before it is handed out (the app and the CLI alike), and the
    /// manifest it verified with.
    pub fn signed_bundle(
        &self,
        selection_id: i64,
        passphrase: Option<&str>,
        lang: crate::i18n::Lang,
    ) -> Res<(Vec<u8>, crate::output::bundle::Manifest)> {
        self.coordinator()?;
        // Not signed while a demo coordinator's PIN is public.
        crate::roster::demo_pins_block(self.store.db(), selection_id)?;
        let signer = crate::output::signing::Signer::load_or_create(
            &crate::output::signing::key_dir(),
            passphrase.filter(|p| !p.is_empty()),
        )?;
        let zip = crate::output::bundle::export::export_bundle(
            self.store.db(),
            selection_id,
            &signer,
            self.store.clock().stamp(),
            lang,
        )?;
        let files = crate::output::bundle::verify(&zip, Some(&signer.pk));
        // Never hand out a bundle that does not verify.
        if !files.ok() {
            return Err(Failure { problems: files.problems });
        }
        Ok((zip, files.manifest.expect("a verified bundle has a manifest")))
    }

    /// Sign and export the result of a closed count: the bundle (zip) and
    /// the report (PDF), into the export folder.
    pub fn export_bundle_to_files(
        &self,
        selection_id: i64,
        passphrase: Option<&str>,
        lang: crate::i18n::Lang,
    ) -> Res<BundleExport> {
        self.coordinator()?;
        let (zip, manifest) = self.signed_bundle(selection_id, passphrase, lang)?;
        let sel = crate::selection::read(self.store.db(), selection_id)?;
        let stem = format!("{}-{}", slug(&sel.wijk), self.store.clock().stamp().replace(':', ""));
        let report = {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(&zip)).expect("our own zip");
            let mut f = z.by_name(crate::output::bundle::REPORT).expect("report in bundle");
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut b).expect("readable");
            b
        };
        Ok(BundleExport {
            bundle_path: write_export(&format!("uitslag-{stem}.zip"), &zip)?,
            report_path: write_export(&format!("proces-verbaal-{stem}.pdf"), &report)?,
            key_id: manifest.key_id,
            content_hash: manifest.content_hash,
        })
    }

    /// Write this laptop's public key (minisign format) into the export folder.
    /// The public key is public: anyone may export it; but making the key
    /// (the first time) is a coordinator's.
    pub fn export_public_key(&self, passphrase: Option<&str>) -> Res<String> {
        if !crate::output::signing::key_dir().join(crate::output::signing::SECRET).exists() {
            self.coordinator()?;
        }
        let signer = crate::output::signing::Signer::load_or_create(
            &crate::output::signing::key_dir(),
            passphrase.filter(|p| !p.is_empty()),
        )?;
        write_export(
            &format!("wijkstem-{}.pub", signer.key_id()),
            crate::output::signing::public_key_file(&signer.pk).as_bytes(),
        )
    }
}

/// Check a bundle given as base64 (from a file the user picked) against a
/// given public key, else this laptop's own.
pub fn verify_bundle(bundle_base64: &str, pubkey: Option<&str>) -> Res<VerifyView> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(bundle_base64.trim())
        .map_err(|e| Failure::from(Problem::new("bundle.not_zip").with("detail", e)))?;
    let key_text = match pubkey.filter(|k| !k.trim().is_empty()) {
        Some(k) => Some(k.to_string()),
        None => std::fs::read_to_string(crate::output::signing::key_dir().join(crate::output::signing::PUBLIC)).ok(),
    };
    let pk = match key_text {
        Some(t) => Some(
            crate::output::signing::public_key_from_file_text(&t)
                .ok_or_else(|| Failure::from(Problem::new("key.damaged").with("path", "")))?,
        ),
        None => None,
    };
    let r = crate::output::bundle::verify(&bytes, pk.as_ref());
    Ok(VerifyView { ok: r.ok(), passed: r.passed, problems: r.problems })
}

/// Check a bundle and (optionally) a public key picked in file dialogs.
pub fn verify_bundle_files(bundle: &str, pubkey: Option<&str>) -> Res<VerifyView> {
    use base64::Engine;
    let bytes = read_picked(bundle)?;
    let key = match pubkey.filter(|k| !k.trim().is_empty()) {
        Some(k) => Some(String::from_utf8_lossy(&read_picked(k)?).into_owned()),
        None => None,
    };
    verify_bundle(&base64::engine::general_purpose::STANDARD.encode(bytes), key.as_deref())
}
