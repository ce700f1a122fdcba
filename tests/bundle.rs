//! The signed result bundle: verifies with our verifier and with the
//! standard `minisign` tool; any changed byte, missing or extra file is
//! named; results edited and re-signed with another key fail on the key, and
//! re-signed with the right key fail on the recomputation. The report's text
//! and QR code are read with pdftotext and zbarimg.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::process::Command;

use wijkstem::i18n::Lang;
use wijkstem::output::bundle::{self, Manifest, MANIFEST, SIGNATURE};
use wijkstem::output::signing::{self, Signer};
use wijkstem::paper::ballot::{qr_payload, BallotStyle, EntryRules};
use wijkstem::paper::{parse_marks, PaperSettings};
use wijkstem::session::Session;

mod common;
use common::need;

/// A closed count of the demo's Muide selection, with a doubtful ballot the
/// committee accepted and an explained warning.
fn closed_count() -> Session {
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "Anna").unwrap();
    s.load_demo().unwrap();
    s.set_paper_settings(
        1,
        &PaperSettings {
            style: BallotStyle::Approval { min: 2, max: 3 },
            double_entry: false,
            rules: EntryRules::default(),
        },
    )
    .unwrap();
    let (serials, _) = s.print_ballots(1, 8, 2, Lang::Nl).unwrap();
    let hash: String = s.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
    let marks = ["MM01,MM03", "MM01,MM02", "MM03,MM05,MM01", "MM02", "MM01,MM02,MM03,MM04", "-", "MM05,MM03"];
    for (i, m) in marks.iter().enumerate() {
        let doubtful = (i == 6).then_some("inktvlek");
        s.enter_ballot(1, None, &qr_payload(1, &serials[i], &hash), &parse_marks(m).unwrap(), doubtful).unwrap();
    }
    s.decide_doubtful(1, &serials[6].display(), true, "Vlek raakt geen vakje").unwrap();
    s.explain_warning(1, &serials[3].display(), "W_UNDERVOTE", "Kiezer koos één plan").unwrap();
    s.close_count(1).unwrap();
    s
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        out.insert(f.name().to_string(), b);
    }
    out
}

fn rezip(files: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, b) in files {
        z.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(b).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn codes(r: &bundle::VerifyReport) -> Vec<String> {
    r.problems.iter().map(|p| p.code.clone()).collect()
}

#[test]
fn a_bundle_verifies_with_ours_and_with_minisign_and_every_change_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let signer = Signer::load_or_create(&dir.path().join("key"), None).unwrap();
    let s = closed_count();
    let zip_bytes = wijkstem::output::bundle::export::export_bundle(
        s.store().db(),
        1,
        &signer,
        s.store().clock().stamp(),
        Lang::Nl,
    )
    .unwrap();

    let ok = bundle::verify(&zip_bytes, Some(&signer.pk));
    assert!(ok.ok(), "{:?}", ok.problems);
    assert_eq!(ok.passed.len(), 5, "signature, files, audit, result, report");
    let files = unzip(&zip_bytes);
    let results: serde_json::Value = serde_json::from_slice(&files["results.json"]).unwrap();
    assert_eq!(results["funded"], serde_json::json!(["MM01", "MM02", "MM03", "MM05"]));
    assert!(results["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("Vlek raakt geen vakje")));
    assert!(results["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("Kiezer koos één plan")));

    // The standard tool checks the manifest's signature.
    let out = dir.path().join("unzipped");
    std::fs::create_dir_all(out.join("records")).unwrap();
    for (name, b) in &files {
        std::fs::write(out.join(name), b).unwrap();
    }
    if need("minisign") {
        let pubkey = dir.path().join("key/wijkstem.pub");
        let st = Command::new("minisign").arg("-Vm").arg(out.join(MANIFEST)).arg("-p").arg(&pubkey).output().unwrap();
        assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
        // and refuses a changed manifest
        let mut m = files[MANIFEST].clone();
        m[20] ^= 1;
        std::fs::write(out.join(MANIFEST), &m).unwrap();
        let st = Command::new("minisign").arg("-Vm").arg(out.join(MANIFEST)).arg("-p").arg(&pubkey).output().unwrap();
        assert!(!st.status.success());
    }
    // Every file's hash in the manifest matches `sha256sum`.
    if need("sha256sum") {
        let manifest: Manifest = serde_json::from_slice(&files[MANIFEST]).unwrap();
        for f in &manifest.files {
            let o = Command::new("sha256sum").arg(out.join(&f.path)).output().unwrap();
            assert!(String::from_utf8_lossy(&o.stdout).starts_with(&f.sha256), "{}", f.path);
        }
    }

    // Changing any single byte of any file is found and named.
    for name in files.keys() {
        let mut changed = files.clone();
        let b = changed.get_mut(name).unwrap();
        let at = b.len() / 2;
        b[at] ^= 0x01;
        let r = bundle::verify(&rezip(&changed), Some(&signer.pk));
        assert!(!r.ok(), "{name}: a changed byte went unnoticed");
        let named = r.problems.iter().any(|p| p.params.get("path") == Some(name))
            || (name == MANIFEST
                && r.problems.iter().any(|p| p.code == "bundle.bad_signature" || p.code == "bundle.bad_manifest"))
            || (name == SIGNATURE
                && r.problems.iter().any(|p| p.code == "bundle.bad_signature" || p.code == "bundle.wrong_key"));
        assert!(named, "{name}: {:?}", codes(&r));
        let text = r.problems.iter().map(|p| p.render(Lang::Nl)).collect::<Vec<_>>().join(" ");
        assert!(!text.contains("problem."), "every message has words: {text}");
    }
    // Removing or adding a file.
    let mut fewer = files.clone();
    fewer.remove("records/ballots.csv");
    let r = bundle::verify(&rezip(&fewer), Some(&signer.pk));
    assert!(codes(&r).contains(&"bundle.file_missing".to_string()), "{:?}", codes(&r));
    let mut more = files.clone();
    more.insert("extra.txt".into(), b"hallo".to_vec());
    let r = bundle::verify(&rezip(&more), Some(&signer.pk));
    assert_eq!(codes(&r), ["bundle.file_extra"]);
    // Raw bytes of the zip itself, in its first header and inside compressed
    // file data. (Some zip bookkeeping bytes, such as the directory's size,
    // can change without changing any file; then every file still checks out.)
    for at in [0, zip_bytes.len() / 3, zip_bytes.len() / 2] {
        let mut z = zip_bytes.clone();
        z[at] ^= 0xff;
        assert!(!bundle::verify(&z, Some(&signer.pk)).ok(), "byte {at} of the zip");
    }
    assert_eq!(codes(&bundle::verify(b"not a zip", Some(&signer.pk))), ["bundle.not_zip"]);
    // Without a trusted key there is no verdict.
    assert!(codes(&bundle::verify(&zip_bytes, None)).contains(&"bundle.no_trusted_key".to_string()));
}

/// Edit the results, fix up every hash, and sign the manifest again.
fn forge(files: &BTreeMap<String, Vec<u8>>, with: &Signer) -> Vec<u8> {
    let mut files = files.clone();
    let mut results: serde_json::Value = serde_json::from_slice(&files["results.json"]).unwrap();
    results["funded"] = serde_json::json!(["MM01", "MM04"]);
    files.insert("results.json".into(), serde_json::to_vec_pretty(&results).unwrap());
    let mut manifest: Manifest = serde_json::from_slice(&files[MANIFEST]).unwrap();
    let data: BTreeMap<String, Vec<u8>> =
        files.iter().filter(|(k, _)| *k != MANIFEST && *k != SIGNATURE).map(|(k, v)| (k.clone(), v.clone())).collect();
    for f in &mut manifest.files {
        f.sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&data[&f.path]));
        f.size = data[&f.path].len() as u64;
    }
    manifest.content_hash = bundle::content_hash(&data);
    manifest.key_id = with.key_id();
    let m = serde_json::to_vec_pretty(&manifest).unwrap();
    files.insert(SIGNATURE.into(), with.sign(&m, "forged").unwrap().into_bytes());
    files.insert(MANIFEST.into(), m);
    rezip(&files)
}

#[test]
fn edited_results_fail_on_the_key_or_on_the_recount() {
    let dir = tempfile::tempdir().unwrap();
    let signer = Signer::load_or_create(&dir.path().join("key"), None).unwrap();
    let other = Signer::load_or_create(&dir.path().join("other"), None).unwrap();
    assert_ne!(signer.key_id(), other.key_id());
    let s = closed_count();
    let files = unzip(
        &wijkstem::output::bundle::export::export_bundle(
            s.store().db(),
            1,
            &signer,
            s.store().clock().stamp(),
            Lang::Nl,
        )
        .unwrap(),
    );

    let r = bundle::verify(&forge(&files, &other), Some(&signer.pk));
    assert!(!r.ok());
    let wrong = r.problems.iter().find(|p| p.code == "bundle.wrong_key").expect("fails on the key");
    assert_eq!(wrong.params["signed_by"], other.key_id());
    assert!(wrong.render(Lang::Nl).contains(&signer.key_id()));

    // Even with the right key (a stolen laptop), the recount disagrees.
    let r = bundle::verify(&forge(&files, &signer), Some(&signer.pk));
    let diffs: Vec<String> =
        r.problems.iter().filter(|p| p.code == "bundle.result_differs").map(|p| p.render(Lang::Nl)).collect();
    assert!(
        diffs.iter().any(|d| d.contains("funded") && d.contains("MM01, MM04") && d.contains("MM01, MM02, MM03, MM05")),
        "{diffs:?}"
    );
    assert!(
        codes(&r).contains(&"bundle.report_differs".to_string())
            || codes(&r).contains(&"bundle.result_differs".to_string())
    );
}

#[test]
fn the_report_prints_the_hash_and_key_and_is_byte_stable() {
    let dir = tempfile::tempdir().unwrap();
    let signer = Signer::load_or_create(&dir.path().join("key"), None).unwrap();
    let s = closed_count();
    let a = wijkstem::output::bundle::export::bundle_parts(s.store().db(), 1, &signer.key_id(), Lang::Nl).unwrap();
    let b = wijkstem::output::bundle::export::bundle_parts(s.store().db(), 1, &signer.key_id(), Lang::Nl).unwrap();
    assert_eq!(a.files["report.pdf"], b.files["report.pdf"], "same result, same bytes");
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&pdf, &a.files["report.pdf"]).unwrap();
    if let Some(text) = common::pdf_text(&pdf) {
        for want in [
            "Proces-verbaal",
            "Muide-Meulestede-Afrikalaan",
            "Het gefinancierde pakket",
            "€ 120.000,00",
            "Telling afgesloten op:",
            "Plaats van de telling",
            "Ingevoerd door:",
            "Totaal",
            &a.footer.content_hash,
            &signer.key_id(),
            "Vlek raakt geen vakje",
            "Kiezer koos één plan",
            "Handtekeningen",
            "kost € 28.500,00",
        ] {
            assert!(text.contains(want), "report lacks {want:?}");
        }
        // The whole funded list, each plan on its own line, and the total.
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for code in &a.report.funded {
            let p = a.report.plans.iter().find(|p| &p.code == code).unwrap();
            let line = format!("{} — {} — {}", p.code, p.title, wijkstem::money::format_euro(p.cost_cents, Lang::Nl));
            assert!(flat.contains(&line), "report lacks the funded line {line:?}");
        }
        let total = format!(
            "{} plannen, samen {} van het budget van {}; over: {}.",
            a.report.funded.len(),
            wijkstem::money::format_euro(a.report.funded_cost_cents, Lang::Nl),
            wijkstem::money::format_euro(a.report.budget_cents, Lang::Nl),
            wijkstem::money::format_euro(a.report.budget_left_cents, Lang::Nl),
        );
        assert!(flat.contains(&total), "report lacks the total {total:?}");
        assert!(!flat.contains("drempel"), "no threshold sentence without a threshold");
        // Every page says which page of how many, with the hash.
        let (pages, ws) = common::words(&pdf);
        common::check_positions(&pages, &ws, false);
        for k in 0..pages.len() {
            let page = common::text_of(&pdf, k, None);
            assert!(page.contains(&format!("Blad {} van {}", k + 1, pages.len())), "page {}", k + 1);
            assert!(page.contains(&a.footer.content_hash), "hash on page {}", k + 1);
        }
    }
    if let Some(codes) = common::pdf_qr_codes(&pdf, dir.path()) {
        // Every page's footer carries the same QR code.
        let want = format!("WSRES1:{}:{}", a.footer.content_hash.to_uppercase(), signer.key_id());
        assert!(!codes.is_empty() && codes.iter().all(|c| *c == want), "{codes:?}");
    }
}

#[test]
fn the_key_is_private_reused_and_can_be_protected() {
    let dir = tempfile::tempdir().unwrap();
    let k1 = Signer::load_or_create(dir.path(), None).unwrap();
    let k2 = Signer::load_or_create(dir.path(), None).unwrap();
    assert_eq!(k1.key_id(), k2.key_id(), "created once, then reused");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("wijkstem.key")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let exported = signing::public_key_file(&k1.pk);
    assert_eq!(signing::key_id(&signing::public_key_from_file_text(&exported).unwrap()), k1.key_id());

    let protected = tempfile::tempdir().unwrap();
    let k = Signer::load_or_create(protected.path(), Some("geheim wachtwoord")).unwrap();
    assert!(matches!(Signer::load_or_create(protected.path(), Some("fout")), Err(signing::KeyError::Passphrase)));
    assert!(matches!(Signer::load_or_create(protected.path(), None), Err(signing::KeyError::Passphrase)));
    let again = Signer::load_or_create(protected.path(), Some("geheim wachtwoord")).unwrap();
    assert_eq!(again.key_id(), k.key_id());
    std::fs::write(protected.path().join("wijkstem.key"), "rommel").unwrap();
    assert!(matches!(Signer::load_or_create(protected.path(), None), Err(signing::KeyError::Damaged { .. })));
}

#[test]
fn a_count_that_is_not_closed_cannot_be_bundled() {
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "Anna").unwrap();
    s.load_demo().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let signer = Signer::load_or_create(dir.path(), None).unwrap();
    s.set_paper_settings(
        1,
        &PaperSettings {
            style: BallotStyle::Approval { min: 1, max: 3 },
            double_entry: false,
            rules: EntryRules::default(),
        },
    )
    .unwrap();
    let e = wijkstem::output::bundle::export::export_bundle(
        s.store().db(),
        1,
        &signer,
        s.store().clock().stamp(),
        Lang::Nl,
    )
    .unwrap_err();
    assert_eq!(e.problems[0].code, "bundle.not_closed");
    for other in [2, 3] {
        // Conversation tables and the panel are refused the same way until closed.
        let e = wijkstem::output::bundle::export::export_bundle(
            s.store().db(),
            other,
            &signer,
            s.store().clock().stamp(),
            Lang::Nl,
        )
        .unwrap_err();
        assert_eq!(e.problems[0].code, "bundle.not_closed");
    }
}

#[test]
fn the_cli_exports_reports_and_verifies_with_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let key_dir = dir.path().join("keys");
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_wijkstem"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("WIJKSTEM_KEY_DIR", &key_dir)
            .env("WIJKSTEM_OPERATOR", "Anna")
            .env("WIJKSTEM_PIN", common::TEST_PIN)
            .env("WIJKSTEM_LANG", "nl")
            .output()
            .unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr))
    };
    {
        // Build a closed count in the file the CLI uses.
        let mut s = Session::open(&db).unwrap();
        common::sign_in(&mut s, "Anna").unwrap();
        s.load_demo().unwrap();
        s.set_paper_settings(
            1,
            &PaperSettings {
                style: BallotStyle::Approval { min: 1, max: 3 },
                double_entry: false,
                rules: EntryRules::default(),
            },
        )
        .unwrap();
        let (serials, _) = s.print_ballots(1, 2, 1, Lang::Nl).unwrap();
        let hash: String =
            s.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
        s.enter_ballot(1, None, &qr_payload(1, &serials[0], &hash), &parse_marks("MM01").unwrap(), None).unwrap();
        let (code, out) = run(&["bundle", "export", "1", "--out", dir.path().join("early.zip").to_str().unwrap()]);
        assert_eq!(code, Some(1), "{out}");
        assert!(out.contains("Sluit eerst de telling af"), "{out}");
        s.close_count(1).unwrap();
    }
    let zip_path = dir.path().join("b.zip");
    let (code, out) = run(&["bundle", "export", "1", "--out", zip_path.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = run(&["report", "1", "--out", dir.path().join("r.pdf").to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = run(&["verify", zip_path.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out.matches('✓').count(), 5, "{out}");
    // The report printed alone is the one inside the bundle.
    assert_eq!(
        unzip(&std::fs::read(&zip_path).unwrap())["report.pdf"],
        std::fs::read(dir.path().join("r.pdf")).unwrap()
    );
    // A tampered bundle: exit code 2 and the problem in words.
    let mut files = unzip(&std::fs::read(&zip_path).unwrap());
    let csv = String::from_utf8(files["records/ballots.csv"].clone()).unwrap().replace(",1,", ",0,");
    files.insert("records/ballots.csv".into(), csv.into_bytes());
    std::fs::write(&zip_path, rezip(&files)).unwrap();
    let (code, out) = run(&["verify", zip_path.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("records/ballots.csv werd gewijzigd"), "{out}");
    // Another key given on the command line: fails on the key.
    let other = tempfile::tempdir().unwrap();
    let o = Signer::load_or_create(other.path(), None).unwrap();
    let (code, out) =
        run(&["verify", zip_path.to_str().unwrap(), "--pubkey", other.path().join("wijkstem.pub").to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(out.contains(&o.key_id()) && out.contains("niet met de verwachte sleutel"), "{out}");
}

/// Rewrites a bundle with Python's zipfile, which (unlike ours) writes a
/// name twice or a huge entry when asked: what an attacker's tool would do.
fn python_zip(src: &[u8], script: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("in.zip"), dir.path().join("out.zip"));
    std::fs::write(&a, src).unwrap();
    let code = format!(
        "import zipfile, sys, warnings\nwarnings.simplefilter('ignore')\nsrc = zipfile.ZipFile(sys.argv[1])\nout = zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED)\n{script}\nout.close()\n"
    );
    let st = Command::new("python3").arg("-c").arg(code).arg(&a).arg(&b).status().unwrap();
    assert!(st.success());
    std::fs::read(&b).unwrap()
}

#[test]
fn a_name_twice_or_an_oversized_entry_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let signer = Signer::load_or_create(&dir.path().join("key"), None).unwrap();
    let s = closed_count();
    let zip_bytes = wijkstem::output::bundle::export::export_bundle(
        s.store().db(),
        1,
        &signer,
        s.store().clock().stamp(),
        Lang::Nl,
    )
    .unwrap();
    assert!(bundle::verify(&zip_bytes, Some(&signer.pk)).ok());

    // A forged results.json first, the signed original after it.
    let twice = python_zip(
        &zip_bytes,
        "out.writestr('results.json', b'{\"funded\": [\"MM04\"]}')\nfor n in src.namelist():\n    out.writestr(n, src.read(n))",
    );
    let r = bundle::verify(&twice, Some(&signer.pk));
    assert!(!r.ok());
    assert_eq!(codes(&r), ["bundle.entries_twice"]);
    assert!(r.problems[0].render(Lang::Nl).contains("meer dan eens"), "{}", r.problems[0].render(Lang::Nl));

    // The same with the original first: still refused.
    let twice = python_zip(
        &zip_bytes,
        "for n in src.namelist():\n    out.writestr(n, src.read(n))\nout.writestr('results.json', b'{}')",
    );
    assert_eq!(codes(&bundle::verify(&twice, Some(&signer.pk))), ["bundle.entries_twice"]);

    // A listed file replaced by 64 MiB of zeros, and an unlisted one of the
    // same: the first is read only up to its stated size + 1 byte and named
    // changed, the second is named extra without being read.
    let big = python_zip(
        &zip_bytes,
        "for n in src.namelist():\n    out.writestr(n, bytes(64 << 20) if n == 'results.json' else src.read(n))\nout.writestr('extra.bin', bytes(64 << 20))",
    );
    let r = bundle::verify(&big, Some(&signer.pk));
    let c = codes(&r);
    assert!(c.contains(&"bundle.file_changed".to_string()), "{c:?}");
    assert!(c.contains(&"bundle.file_extra".to_string()), "{c:?}");
}

#[test]
fn a_closed_count_stays_closed_for_printing_and_the_ballot_style() {
    let mut s = closed_count();
    let printed: i64 = s.store().conn().query_row("SELECT count(*) FROM ballot", [], |r| r.get(0)).unwrap();
    let err = s.print_ballots(1, 50, 2, Lang::Nl).unwrap_err();
    assert_eq!(err.problems[0].code, "paper.count_closed");
    let style = PaperSettings {
        style: BallotStyle::Approval { min: 1, max: 3 },
        double_entry: false,
        rules: EntryRules::default(),
    };
    // Refused either way (the entries already lock the style).
    let code = s.set_paper_settings(1, &style).unwrap_err().problems[0].code.clone();
    assert!(["paper.count_closed", "paper.settings_locked"].contains(&code.as_str()), "{code}");
    let after: i64 = s.store().conn().query_row("SELECT count(*) FROM ballot", [], |r| r.get(0)).unwrap();
    assert_eq!(printed, after, "no ballot was added to a closed count");
}

#[test]
fn a_lost_secret_key_is_never_silently_replaced_and_the_public_key_must_match() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let first = Signer::load_or_create(&a, None).unwrap();
    let published = std::fs::read_to_string(a.join("wijkstem.pub")).unwrap();

    // The .pub file went missing: it is derived again from the secret key.
    std::fs::remove_file(a.join("wijkstem.pub")).unwrap();
    let again = Signer::load_or_create(&a, None).unwrap();
    assert_eq!(again.key_id(), first.key_id());
    assert_eq!(std::fs::read_to_string(a.join("wijkstem.pub")).unwrap(), published);

    // Another laptop's public key put beside this secret key: refused.
    let b = dir.path().join("b");
    Signer::load_or_create(&b, None).unwrap();
    std::fs::copy(b.join("wijkstem.pub"), a.join("wijkstem.pub")).unwrap();
    let err = Signer::load_or_create(&a, None).err().expect("mismatch refused");
    assert_eq!(wijkstem::problem::ToProblem::to_problem(&err).code, "key.public_mismatch");
    std::fs::write(a.join("wijkstem.pub"), &published).unwrap();

    // The secret key deleted while its public key was published: no new key.
    std::fs::remove_file(a.join("wijkstem.key")).unwrap();
    let err = Signer::load_or_create(&a, None).err().expect("no silent new key");
    let problem = wijkstem::problem::ToProblem::to_problem(&err);
    assert_eq!(problem.code, "key.secret_missing");
    assert!(problem.render(Lang::Nl).contains("Er wordt geen nieuwe sleutel gemaakt"));
    assert!(!a.join("wijkstem.key").exists(), "nothing was made");
    assert_eq!(std::fs::read_to_string(a.join("wijkstem.pub")).unwrap(), published, "the published key is untouched");
}
