//! The disk under the database fills up or turns read-only in the middle of
//! a count: the entry is refused with a clear message, nothing is half
//! saved, and once there is room again entry goes on. Uses a small tmpfs
//! (needs root; the case is skipped, and says so, where mounting is not allowed).
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

mod common;
use std::path::Path;
use std::process::Command;

use wijkstem::i18n::Lang;
use wijkstem::paper::ballot::{qr_payload, BallotStyle, EntryRules};
use wijkstem::paper::{parse_marks, PaperSettings};
use wijkstem::session::Session;

struct Mount(std::path::PathBuf);

impl Mount {
    fn tmpfs(dir: &Path, size: &str) -> Option<Mount> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then(|| Mount(dir.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn count(s: &Session) -> i64 {
    s.store().conn().query_row("SELECT count(*) FROM ballot_entry", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_full_or_read_only_disk_refuses_clearly_and_loses_nothing() {
    let base = tempfile::tempdir().unwrap();
    let Some(m) = Mount::tmpfs(&base.path().join("disk"), "4m") else {
        eprintln!("tmpfs mount not allowed here: full and read-only disk cases skipped");
        return;
    };
    let db = m.0.join("w.sqlite");
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
    let (serials, _) = s.print_ballots(1, 40, 2, Lang::Nl).unwrap();
    let hash: String = s.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
    let scans: Vec<String> = serials.iter().map(|x| qr_payload(1, x, &hash)).collect();
    let marks = parse_marks("MM01,MM02").unwrap();
    s.enter_ballot(1, None, &scans[0], &marks, None).unwrap();

    // Fill the disk to the last byte.
    let filler = m.0.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while std::io::Write::write_all(&mut f, &chunk).is_ok() {}
    let _ = std::io::Write::write_all(&mut f, &[0u8; 512]);
    drop(f);
    let mut refused = None;
    for (i, scan) in scans.iter().enumerate().skip(1) {
        match s.enter_ballot(1, None, scan, &marks, None) {
            Ok(_) => continue,
            Err(e) => {
                refused = Some((i, e));
                break;
            }
        }
    }
    let (i, e) = refused.expect("a full disk refuses an entry");
    assert_eq!(e.problems[0].code, "store.disk_full", "{e:?}");
    assert!(e.render(Lang::Nl).contains("NIET bewaard"));
    let before = count(&s);
    // Room again: the same ballot goes in, once.
    std::fs::remove_file(&filler).unwrap();
    s.enter_ballot(1, None, &scans[i], &marks, None).unwrap();
    assert_eq!(count(&s), before + 1);
    let ok: String = s.store().conn().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    assert!(s.audit_verify().unwrap().broken_at.is_none());
    let entered_before_ro = count(&s);

    // The disk turns read-only (a stick's write-protect switch, a failing
    // drive). A busy filesystem cannot be remounted, so the app is closed first.
    drop(s);
    assert!(Command::new("mount").args(["-o", "remount,ro"]).arg(&m.0).status().unwrap().success());
    let (opened, info) = Session::start(&db);
    match opened {
        // Opened for reading: the first change is refused, in words.
        Ok(mut s) => {
            let e = common::sign_in(&mut s, "Anna")
                .and_then(|_| s.enter_ballot(1, None, &scans[i + 1], &marks, None))
                .unwrap_err();
            assert_eq!(e.problems[0].code, "store.read_only", "{e:?}");
            assert!(e.render(Lang::Nl).contains("alleen-lezen"));
        }
        // Or it does not open: the start screen explains instead of crashing.
        Err(f) => {
            assert!(["store.read_only", "store.open"].contains(&f.problems[0].code.as_str()), "{f:?}");
            assert!(info.failure.is_some());
        }
    }
    assert!(Command::new("mount").args(["-o", "remount,rw"]).arg(&m.0).status().unwrap().success());
    let s = Session::open(&db).unwrap();
    assert_eq!(count(&s), entered_before_ro, "nothing lost, nothing half saved");
}
