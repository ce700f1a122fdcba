//! Backups: consistent snapshots to a second folder, the last N kept, a
//! restore that shows what a backup holds first and keeps the current file;
//! a missing or full backup folder warns and the count goes on.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

mod common;
use std::process::Command;

use wijkstem::i18n::Lang;
use wijkstem::paper::ballot::{qr_payload, BallotStyle, EntryRules};
use wijkstem::paper::boxes::BoxInput;
use wijkstem::paper::{parse_marks, PaperSettings};
use wijkstem::session::Session;
use wijkstem::storage::backup::{self, BackupSettings};

struct Room {
    s: Session,
    scans: Vec<String>,
    next: usize,
}

impl Room {
    fn new(db: &std::path::Path) -> Room {
        let mut s = Session::open(db).unwrap();
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
        let (serials, _) = s.print_ballots(1, 30, 2, Lang::Nl).unwrap();
        let hash: String =
            s.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
        let scans = serials.iter().map(|x| qr_payload(1, x, &hash)).collect();
        Room { s, scans, next: 0 }
    }

    fn enter(&mut self, n: usize) {
        for _ in 0..n {
            self.s.enter_ballot(1, None, &self.scans[self.next], &parse_marks("MM01,MM02").unwrap(), None).unwrap();
            self.next += 1;
        }
    }

    fn entries(&self) -> i64 {
        self.s.store().conn().query_row("SELECT count(*) FROM ballot_entry", [], |r| r.get(0)).unwrap()
    }
}

#[test]
fn backups_keep_the_last_n_and_show_what_they_hold() {
    let dir = tempfile::tempdir().unwrap();
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let mut r = Room::new(&dir.path().join("w.sqlite"));
    let settings = BackupSettings { dir: Some(usb.display().to_string()), keep: 3, every_minutes: 5 };
    r.s.set_backup_settings(&settings).unwrap();
    assert_eq!(std::fs::read_to_string(dir.path().join(backup::LOCATION_FILE)).unwrap(), usb.display().to_string());
    for i in 0..5 {
        r.enter(2);
        let info = r.s.backup_now().unwrap();
        assert!(info.problem.is_none(), "{:?}", info.problem);
        assert_eq!(info.selections[0].entries, 2 * (i + 1));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let list = r.s.list_backups(None);
    assert_eq!(list.len(), 3, "only the last 3 are kept");
    assert_eq!(list[0].selections[0].entries, 10, "newest first");
    assert_eq!(list[0].selections[0].wijk, "Muide-Meulestede-Afrikalaan");
    // Each backup is a sound database on its own, checked by sqlite3 itself.
    if Command::new("sh").arg("-c").arg("command -v sqlite3").output().unwrap().status.success() {
        let out = Command::new("sqlite3")
            .arg(&list[0].path)
            .arg("PRAGMA integrity_check; SELECT count(*) FROM ballot_entry;")
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok\n10");
    }
    // The automatic tick: not due right after a backup.
    let st = r.s.backup_tick();
    assert!(st.warning.is_none() && st.last_backup.is_some());
    assert_eq!(r.s.list_backups(None).len(), 3);
    // Closing a box makes a backup.
    let b = r.s.create_box(1, &BoxInput { name: "Bus 9".into(), location: String::new(), expected: 0 }).unwrap();
    let before = r.s.list_backups(None)[0].file_name.clone();
    r.s.close_box(1, b.id, None).unwrap();
    assert_ne!(r.s.list_backups(None)[0].file_name, before, "a new backup on closing a box");
}

#[test]
fn a_pulled_usb_stick_or_a_full_one_warns_and_the_count_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let mut r = Room::new(&dir.path().join("w.sqlite"));
    r.s.set_backup_settings(&BackupSettings { dir: Some(usb.display().to_string()), keep: 5, every_minutes: 1 })
        .unwrap();
    r.enter(1);
    assert!(r.s.backup_tick().warning.is_none());
    std::fs::remove_dir_all(&usb).unwrap(); // the stick is pulled
    let e = r.s.backup_now().unwrap_err();
    assert_eq!(e.problems[0].code, "backup.dir_missing");
    assert!(e.render(Lang::Nl).contains("USB-stick"));
    r.enter(3);
    assert_eq!(r.entries(), 4, "entry goes on");
    let st = r.s.backup_tick();
    assert_eq!(
        st.warning.map(|w| w.code),
        Some("backup.dir_missing".to_string()),
        "the warning stays until a backup works"
    );

    // A full stick: a tiny tmpfs (needs root; skipped where mounting is not allowed).
    let small = dir.path().join("small");
    std::fs::create_dir(&small).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16k", "tmpfs"])
        .arg(&small)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if mounted {
        r.s.set_backup_settings(&BackupSettings { dir: Some(small.display().to_string()), keep: 5, every_minutes: 1 })
            .unwrap();
        let e = r.s.backup_now().unwrap_err();
        let _ = Command::new("umount").arg(&small).status();
        assert_eq!(e.problems[0].code, "backup.full", "{e:?}");
        r.enter(1);
        assert_eq!(r.entries(), 5, "entry goes on after a full stick");
    } else {
        eprintln!("tmpfs mount not allowed here: full-stick case skipped");
    }
    assert!(r.s.audit_verify().unwrap().broken_at.is_none());
}

#[test]
fn restore_shows_first_keeps_the_current_file_and_rescues_a_broken_database() {
    let dir = tempfile::tempdir().unwrap();
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let db = dir.path().join("w.sqlite");
    let mut r = Room::new(&db);
    r.s.set_backup_settings(&BackupSettings { dir: Some(usb.display().to_string()), keep: 5, every_minutes: 5 })
        .unwrap();
    r.enter(4);
    let snap = r.s.backup_now().unwrap();
    r.enter(2);
    assert_eq!(r.entries(), 6);
    let kept = r.s.restore_backup(&snap.path).unwrap();
    assert_eq!(r.entries(), 4, "back to the backup");
    assert!(std::path::Path::new(&kept).exists(), "the replaced file is kept, not deleted");
    let actions: Vec<String> = r.s.audit_log(5).unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"backup.restore".to_string()));
    drop(r);

    // The database file gets damaged; the backups are found beside it and one is put back.
    std::fs::write(&db, b"this is not a database at all, it was overwritten").unwrap();
    let _ = std::fs::remove_file(format!("{}-wal", db.display()));
    let e = Session::open(&db).err().expect("a damaged file does not open");
    assert_eq!(e.problems[0].code, "store.not_a_database");
    let found = wijkstem::session::backups_for_broken_db(&db, None);
    assert!(!found.is_empty() && found[0].problem.is_none());
    backup::restore_file(std::path::Path::new(&found[0].path), &db).unwrap();
    let s = Session::open(&db).unwrap();
    assert_eq!(
        s.store().conn().query_row::<i64, _, _>("SELECT count(*) FROM ballot_entry", [], |r| r.get(0)).unwrap(),
        4
    );

    // A damaged backup is shown as such and refused.
    let bad = usb.join("wijkstem-99999999-999999-999.sqlite");
    std::fs::write(&bad, b"garbage").unwrap();
    let info = backup::inspect(&bad);
    assert_eq!(info.problem.map(|p| p.code), Some("backup.unusable".to_string()));
    assert!(backup::restore_file(&bad, &db).is_err());
}
