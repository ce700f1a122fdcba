//! Counting on several laptops (issue #19), printed as a table: the
//! coordinator imports 3 station packages of 2,000 ballots each (every
//! package checked whole, every entry judged and admitted as if typed
//! there, one transaction per package) — target under 1 s for the three.
//! Beside it, in the same run: the same 6,000 ballots saved one by one
//! through the entry path on one laptop, what the packages replace.
//!
//! Run: `cargo bench --bench stations`. The databases live in the target
//! directory (a real disk), not in /tmp (often RAM).
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

use std::time::Instant;

use wijkstem::i18n::Lang;
use wijkstem::paper::ballot::{qr_payload, BallotStyle, EntryRules};
use wijkstem::paper::{parse_marks, PaperSettings};
use wijkstem::session::Session;

const PER_STATION: usize = 2_000;
const STATIONS: usize = 3;

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-stations");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let open = |name: &str| {
        let mut s = Session::open(&dir.join(format!("{name}.sqlite"))).unwrap();
        std::fs::create_dir_all(dir.join(format!("{name}-key"))).unwrap();
        s.use_key_dir(&dir.join(format!("{name}-key")));
        s.set_up_roster("Bench", "2580").unwrap();
        s
    };
    let mut c = open("coordinator");
    c.load_demo().unwrap();
    c.set_paper_settings(
        1,
        &PaperSettings {
            style: BallotStyle::Approval { min: 1, max: 3 },
            double_entry: false,
            rules: EntryRules::default(),
        },
    )
    .unwrap();
    let total = PER_STATION * STATIONS;
    let (serials, _) = c.print_ballots(1, total as u32, 2, Lang::Nl).unwrap();
    let hash: String = c.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
    let input =
        wijkstem::paper::boxes::BoxInput { name: "Bus 1".into(), location: String::new(), expected: total as u64 };
    let one_box = c.create_box(1, &input).unwrap().id;
    let one_db = dir.join("one-laptop.sqlite");
    c.store().conn().execute("VACUUM INTO ?1", [one_db.to_str().unwrap()]).unwrap();
    let setup = c.export_setup(1, None).unwrap();
    let marks = ["MM01", "MM02,MM03", "MM04,MM05,MM06", "MM07"].map(|m| parse_marks(m).unwrap());

    // Each station enters its share (not timed: typing happens on the stations).
    let mut packages = Vec::new();
    for k in 0..STATIONS {
        let mut s = open(&format!("station-{k}"));
        let (copy, _) = s.import_setup(&setup, "setup.wsp").unwrap();
        let bx = s.boxes(copy).unwrap()[0].id;
        for (i, serial) in serials[k * PER_STATION..(k + 1) * PER_STATION].iter().enumerate() {
            s.enter_ballot(copy, Some(bx), &qr_payload(1, serial, &hash), &marks[i % marks.len()], None).unwrap();
        }
        let (zip, _) = s.export_station(copy, None, false, None).unwrap();
        c.admit_station(1, &s.station_key_id(None).unwrap(), &format!("Laptop {}", k + 2)).unwrap();
        packages.push(zip);
    }
    let size: usize = packages.iter().map(Vec::len).sum();
    let t = Instant::now();
    for (k, p) in packages.iter().enumerate() {
        let r = c.import_station(1, p, &format!("station-{k}.wsp")).unwrap();
        assert_eq!(r.added as usize, PER_STATION);
    }
    let merge = t.elapsed().as_secs_f64();

    // Beside it: the same ballots saved one by one on one laptop.
    let mut one = Session::open(&one_db).unwrap();
    one.sign_in("Bench", "2580").unwrap();
    let t = Instant::now();
    for (i, serial) in serials.iter().enumerate() {
        one.enter_ballot(1, Some(one_box), &qr_payload(1, serial, &hash), &marks[i % marks.len()], None).unwrap();
    }
    let typed = t.elapsed().as_secs_f64();

    println!("| what | ballots | wijkstem: merge of {STATIONS} packages (s) | beside it: the same ballots saved one by one on one laptop (s) |");
    println!("|---|---:|---:|---:|");
    println!(
        "| {STATIONS} station packages of {PER_STATION} ballots ({:.1} MB) | {total} | {merge:.3} | {typed:.3} |",
        size as f64 / 1e6
    );
    println!("target: the merge under 1 s");
}
