//! `wijkstem draw` from the outside: the probabilities on the fixtures'
//! pool, the lottery table read back from the PDF with pdftotext and checked
//! against the quotas with this test's own reading of the CSV files, and the
//! messages for bad inputs.
#![allow(clippy::unwrap_used)] // tests may panic on what they did not expect

mod common;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/draw").join(name)
}

fn draw(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wijkstem")).arg("draw").args(args).env("WIJKSTEM_LANG", "nl").output().unwrap()
}

/// The fixtures read by this test itself: quotas per (feature, value), and
/// each respondent's values.
type QuotasRead = BTreeMap<(String, String), (u32, u32)>;
type PoolRead = BTreeMap<String, Vec<(String, String)>>;

fn read_fixtures() -> (QuotasRead, PoolRead) {
    let q = std::fs::read_to_string(fixture("quotas.csv")).unwrap();
    let quotas = q
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            ((f[0].to_string(), f[1].to_string()), (f[2].parse().unwrap(), f[3].parse().unwrap()))
        })
        .collect();
    let p = std::fs::read_to_string(fixture("respondents.csv")).unwrap();
    let mut lines = p.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let pool = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), (1..f.len()).map(|c| (header[c].to_string(), f[c].to_string())).collect())
        })
        .collect();
    (quotas, pool)
}

#[test]
fn draw_prints_every_probability_and_json_for_scripts() {
    let q = fixture("quotas.csv");
    let r = fixture("respondents.csv");
    let out = draw(&[q.to_str().unwrap(), r.to_str().unwrap(), "--size", "20", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let probs = v["probabilities"].as_object().unwrap();
    assert_eq!(probs.len(), 150);
    let sum: f64 = probs.values().map(|p| p.as_f64().unwrap()).sum();
    assert!((sum - 20.0).abs() < 1e-6, "the probabilities add up to the panel size: {sum}");
    let min = probs.values().map(|p| p.as_f64().unwrap()).fold(1.0, f64::min);
    assert!((v["min_probability"].as_f64().unwrap() - min).abs() < 1e-12);
    assert!(min > 0.05, "quotas this loose leave nobody near zero: {min}");
    assert!(v["panels"].as_u64().unwrap() >= 2);

    let text = draw(&[q.to_str().unwrap(), r.to_str().unwrap(), "--size", "20"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.starts_with("Loting: 20 van 150 respondenten, 3 kenmerken"), "{text}");
    assert!(text.contains(&format!("Kleinste kans: {}", format!("{min:.6}").replace('.', ","))), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with('R')).count(), 150);
}

/// Panels as the lottery PDF shows them: a three-digit number, then codes
/// (continued on the next line when they wrap).
fn panels_in(text: &str) -> Vec<(String, Vec<String>)> {
    let mut panels: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(first) = words.first() else { continue };
        let codes = |ws: &[&str]| ws.iter().filter(|w| w.starts_with('R')).map(|w| w.to_string()).collect::<Vec<_>>();
        if first.len() == 3 && first.chars().all(|c| c.is_ascii_digit()) && words.len() > 1 {
            panels.push((first.to_string(), codes(&words[1..])));
        } else if first.starts_with('R') && words.iter().all(|w| w.starts_with('R')) {
            panels.last_mut().unwrap().1.extend(codes(&words));
        }
    }
    panels
}

#[test]
fn the_lottery_table_lists_panels_that_meet_the_quotas() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("tabel.pdf");
    let q = fixture("quotas.csv");
    let r = fixture("respondents.csv");
    let out = draw(&[
        q.to_str().unwrap(),
        r.to_str().unwrap(),
        "--size",
        "20",
        "--lottery",
        "1000",
        "--out",
        pdf.to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let Some(_) = common::pdf_text(&pdf) else { return };
    let text = String::from_utf8(Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().unwrap().stdout)
        .unwrap();
    assert!(text.contains("Lotingtabel voor het gelote wijkpanel"));
    assert!(text.contains("met 3 tienzijdige dobbelstenen"));
    assert!(text.contains("blad 1 van "), "pages are counted");
    assert!(text.contains("van 000 tot 999"), "how to draw the number");
    let panels = panels_in(&text);
    assert_eq!(panels.len(), 1000);
    for (j, (n, _)) in panels.iter().enumerate() {
        assert_eq!(n, &format!("{j:03}"));
    }
    let (quotas, pool) = read_fixtures();
    let mut tickets: BTreeMap<&str, u32> = BTreeMap::new();
    for (n, members) in &panels {
        assert_eq!(members.len(), 20, "panel {n}");
        for m in members {
            *tickets.entry(m).or_default() += 1;
        }
        let count = quota_counts(&pool, members);
        for (fv, (min, max)) in &quotas {
            let c = count.get(fv).copied().unwrap_or(0);
            assert!(*min <= c && c <= *max, "panel {n}: {fv:?} has {c}, quota {min}..{max}");
        }
    }
    // Each respondent's chance in the table is within (k+2)/m of the leximin one.
    let probs = v["probabilities"].as_object().unwrap();
    for (code, p) in probs {
        let t = f64::from(tickets.get(code.as_str()).copied().unwrap_or(0)) / 1000.0;
        assert!((t - p.as_f64().unwrap()).abs() <= 22.0 / 1000.0, "{code}: {t} vs {p}");
    }
    assert!(v["lottery"]["max_deviation"].as_f64().unwrap() <= 22.0 / 1000.0);
    // The same draw gives the same file.
    let again = dir.path().join("opnieuw.pdf");
    let out = draw(&[
        q.to_str().unwrap(),
        r.to_str().unwrap(),
        "--size",
        "20",
        "--lottery",
        "1000",
        "--out",
        again.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert_eq!(std::fs::read(&pdf).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn bad_inputs_get_a_dutch_message_and_no_table() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let q = write("q.csv", "feature,value,min,max\ngeslacht,vrouw,1,2\ngeslacht,man,1,2\n");
    let names = write("namen.csv", "code,geslacht,naam\nA,vrouw,Anna\nB,man,Bert\nC,man,Carl\n");
    let out = draw(&[&q, &names, "--size", "2"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("De kolom „naam” is geen kenmerk uit de quota"), "{err}");
    assert!(out.stdout.is_empty());

    let unknown = write("onbekend.csv", "code,geslacht\nA,vrouw\nB,mannelijk\n");
    let err = String::from_utf8_lossy(&draw(&[&q, &unknown, "--size", "2"]).stderr).to_string();
    assert!(err.contains("Regel 3: respondent B heeft voor geslacht de waarde „mannelijk”"), "{err}");

    // Two women needed, one available: the advice lowers that minimum.
    let q2 = write("q2.csv", "feature,value,min,max\ngeslacht,vrouw,2,2\ngeslacht,man,0,2\n");
    let pool = write("p.csv", "code,geslacht\nA,vrouw\nB,man\nC,man\n");
    let table = dir.path().join("t.pdf");
    let out = draw(&[&q2, &pool, "--size", "2", "--lottery", "1000", "--out", table.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Geen enkel panel haalt alle quota tegelijk"), "{err}");
    assert!(err.contains("verlaag het minimum voor geslacht = vrouw van 2 naar 1"), "{err}");
    assert!(!table.exists(), "no table for an impossible draw");

    // A table too small for everyone to have a ticket, or not 100, 1,000 or
    // 10,000 panels, is refused before anything is computed or written.
    let q = fixture("quotas.csv");
    let r = fixture("respondents.csv");
    for m in ["10", "999"] {
        let out = draw(&[
            q.to_str().unwrap(),
            r.to_str().unwrap(),
            "--size",
            "20",
            "--lottery",
            m,
            "--out",
            table.to_str().unwrap(),
        ]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("100, 1.000 of 10.000 panels"));
        assert!(!table.exists());
    }
    // The table never overwrites an input file.
    let copy = dir.path().join("kopie.csv");
    std::fs::copy(&q, &copy).unwrap();
    let out = draw(&[
        copy.to_str().unwrap(),
        r.to_str().unwrap(),
        "--size",
        "20",
        "--lottery",
        "100",
        "--out",
        copy.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is een van de invoerbestanden"));
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(&q).unwrap());
    // A file that is not UTF-8 (an old Excel export) gets advice.
    let latin = dir.path().join("latin1.csv");
    std::fs::write(&latin, b"code,geslacht\nA,vrouw\nB,man\xe9\n").unwrap();
    let err = String::from_utf8_lossy(&draw(&[&q2, latin.to_str().unwrap(), "--size", "2"]).stderr).to_string();
    assert!(err.contains("CSV UTF-8"), "{err}");
}

/// Seats per (feature, value) of a set of codes, by this test's own
/// reading of the fixtures.
fn quota_counts(pool: &PoolRead, members: &[String]) -> BTreeMap<(String, String), u32> {
    let mut count: BTreeMap<(String, String), u32> = BTreeMap::new();
    for m in members {
        for fv in &pool[m] {
            *count.entry(fv.clone()).or_default() += 1;
        }
    }
    count
}

/// Does this set of codes (20 of them) meet every quota of the fixtures?
fn meets_quotas((quotas, pool): &(QuotasRead, PoolRead), members: &[String]) -> bool {
    let count = quota_counts(pool, members);
    members.len() == 20
        && quotas.iter().all(|(fv, (min, max))| {
            let c = count.get(fv).copied().unwrap_or(0);
            *min <= c && c <= *max
        })
}

/// The draw inside a panel's selection, on the command line as a
/// coordinator would run it: the chances and the table are kept, the table
/// is printed, the number thrown is recorded and seats the panel the PDF
/// lists under it; nothing is drawn twice, and the chain holds it all.
#[test]
fn a_panel_drawn_in_its_selection_is_seated_and_recorded() {
    let room = common::CliRoom::new();
    let sel = room.selection("Panelwijk", "panel");
    let (q, r) = (fixture("quotas.csv"), fixture("respondents.csv"));
    let (q, r) = (q.to_str().unwrap(), r.to_str().unwrap());
    // Before a draw: nothing to pick, nothing to print.
    let (ok, _, err) = room.run("Ann", &["panel", "pick", &sel, "--number", "1"]);
    assert!(!ok && err.contains("nog geen loting berekend"), "{err}");
    // A panel whose members were added by hand is not drawn, and is told
    // what to do instead.
    let by_hand = room.selection("Handwijk", "panel");
    room.ok(&["panel", "member", &by_hand, "P01", "Vriend"]);
    let (ok, _, err) = room.run("Ann", &["panel", "draw", &by_hand, q, r, "--size", "20", "--lottery", "1000"]);
    assert!(!ok && err.contains("met de hand toegevoegd") && err.contains("Gelote wijkpanel"), "{err}");
    let draw: serde_json::Value =
        serde_json::from_str(&room.ok(&["panel", "draw", &sel, q, r, "--size", "20", "--lottery", "1000"])).unwrap();
    assert_eq!(draw["chances"].as_array().unwrap().len(), 150);
    assert_eq!(draw["lottery"], 1000);
    let table_sha = draw["table_sha256"].as_str().unwrap().to_string();
    assert_eq!(table_sha.len(), 64);
    assert!(draw["pick"].is_null());
    // The tickets of all respondents fill 1,000 panels of 20.
    let tickets: u64 = draw["chances"].as_array().unwrap().iter().map(|c| c["tickets"].as_u64().unwrap()).sum();
    assert_eq!(tickets, 20_000);

    // The number comes after the table is out, never before.
    let (ok, _, err) = room.run("Ann", &["panel", "pick", &sel, "--number", "417"]);
    assert!(!ok && err.contains("Druk eerst de lotingtabel af"), "{err}");
    // A new computation before printing replaces the table.
    room.ok(&["panel", "draw", &sel, q, r, "--size", "20", "--lottery", "1000"]);
    // The printed table names its own hash, and its panels meet the quotas.
    let pdf = room.ok(&["panel", "table", &sel]);
    // Once printed, the table stands: no new computation.
    let (ok, _, err) = room.run("Ann", &["panel", "draw", &sel, q, r, "--size", "20", "--lottery", "1000"]);
    assert!(!ok && err.contains("al afgedrukt"), "{err}");
    let Some(text) = common::pdf_text(Path::new(&pdf)) else { return };
    let layout =
        String::from_utf8(Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().unwrap().stdout)
            .unwrap();
    assert!(text.split_whitespace().collect::<String>().contains(&table_sha), "the table's hash is printed");
    let panels = panels_in(&layout);
    assert_eq!(panels.len(), 1000);

    // A volunteer does not draw; a number outside the table is refused.
    room.ok(&["team", "add", "Bert", "--role", "vrijwilliger", "--new-pin", common::TEST_PIN]);
    let (ok, _, err) = room.run("Bert", &["panel", "pick", &sel, "--number", "417"]);
    assert!(!ok, "a volunteer may not draw: {err}");
    let (ok, _, err) = room.run("Ann", &["panel", "pick", &sel, "--number", "1000"]);
    assert!(!ok && err.contains("kies een nummer van 0 tot en met 999"), "{err}");

    // The number thrown seats the panel printed under it.
    let pick: serde_json::Value = serde_json::from_str(&room.ok(&["panel", "pick", &sel, "--number", "417"])).unwrap();
    let members: Vec<String> =
        pick["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()).collect();
    let (n, printed) = &panels[417];
    assert_eq!(n, "417");
    let mut printed = printed.clone();
    printed.sort();
    let mut sorted = members.clone();
    sorted.sort();
    assert_eq!(sorted, printed, "the panel seated is the one printed as 417");
    assert!(meets_quotas(&read_fixtures(), &members));
    let state: serde_json::Value = serde_json::from_str(&room.ok(&["panel", "state", &sel])).unwrap();
    let mut seated: Vec<String> =
        state["members"].as_array().unwrap().iter().map(|m| m["code"].as_str().unwrap().to_string()).collect();
    seated.sort();
    assert_eq!(seated, sorted);
    // Nobody joins a drawn panel by hand.
    let (ok, _, err) = room.run("Ann", &["panel", "member", &sel, "X99", "Vriend"]);
    assert!(!ok && err.contains("niet met de hand"), "{err}");

    // Drawn once: no second number, no new computation over it.
    let (ok, _, err) = room.run("Ann", &["panel", "pick", &sel, "--number", "3"]);
    assert!(!ok && err.contains("al geloot"), "{err}");
    let (ok, _, err) = room.run("Ann", &["panel", "draw", &sel, q, r, "--size", "20"]);
    assert!(!ok && err.contains("al geloot"), "{err}");
    let lot: serde_json::Value = serde_json::from_str(&room.ok(&["panel", "lot", &sel])).unwrap();
    assert_eq!(lot["pick"]["number"], 417);
    assert_eq!(lot["pick"]["source"], "dice");

    // The chain holds the draw and the pick, and still verifies.
    room.ok(&["audit", "verify"]);
    let c = rusqlite::Connection::open(&room.db).unwrap();
    let event = |action: &str| -> String {
        c.query_row("SELECT after FROM audit_log WHERE action = ?1", [action], |r| r.get(0)).unwrap()
    };
    let drawn: serde_json::Value = serde_json::from_str(&event("panel.draw")).unwrap();
    assert_eq!(drawn["table_sha256"], table_sha.as_str(), "the table's hash is in the chain");
    assert_eq!(drawn["pool_sha256"], draw["pool_sha256"]);
    let picked: serde_json::Value = serde_json::from_str(&event("panel.draw_pick")).unwrap();
    assert_eq!(picked["number"], 417);
    assert_eq!(picked["members"], pick["members"]);
}

/// A seed typed in from a public source gives the number anyone can
/// recompute from the table's hash: SHA-256 of "wijkstem-pick-v1", the
/// table's hash and the seed, its first 8 bytes modulo the table's size.
#[test]
fn a_public_seed_picks_the_number_anyone_can_recompute() {
    use sha2::{Digest, Sha256};
    let room = common::CliRoom::new();
    let sel = room.selection("Zaadwijk", "panel");
    let (q, r) = (fixture("quotas.csv"), fixture("respondents.csv"));
    let draw: serde_json::Value = serde_json::from_str(&room.ok(&[
        "panel",
        "draw",
        &sel,
        q.to_str().unwrap(),
        r.to_str().unwrap(),
        "--size",
        "20",
        "--lottery",
        "100",
    ]))
    .unwrap();
    let table_sha = draw["table_sha256"].as_str().unwrap();
    room.ok(&["panel", "table", &sel]);
    let seed = "Lotto 2026-12-01: 4 11 19 27 33 41";
    // A look-alike letter would give another number: refused.
    let (ok, _, err) = room.run("Ann", &["panel", "pick", &sel, "--seed", "Lоtto 2026-12-01: 4 11 19 27 33 41"]);
    assert!(!ok && err.contains("gewone letters"), "{err}");
    let d = Sha256::new()
        .chain_update(b"wijkstem-pick-v1\n")
        .chain_update(table_sha.as_bytes())
        .chain_update(b"\n")
        .chain_update(seed.as_bytes())
        .finalize();
    let expected = u64::from_be_bytes(d[..8].try_into().unwrap()) % 100;
    // The seed typed with a no-break space and a double space is the same seed.
    let typed = "Lotto  2026-12-01: 4 11 19 27 33\u{a0}41";
    let pick: serde_json::Value = serde_json::from_str(&room.ok(&["panel", "pick", &sel, "--seed", typed])).unwrap();
    assert_eq!(pick["number"].as_u64().unwrap(), expected);
    assert_eq!(pick["source"], format!("seed:{seed}"));
    assert!(meets_quotas(
        &read_fixtures(),
        &pick["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()).collect::<Vec<_>>()
    ));
}

/// The bundle of a panel drawn by lot carries its draw, and `wijkstem
/// verify` checks it from the bundle alone; a forged table, chance or
/// number is named (checked on the draw's files with the signature aside,
/// as a coordinator holding the key could forge them).
#[test]
fn the_bundle_carries_the_draw_and_verify_checks_it() {
    use std::collections::BTreeMap;
    use std::io::Read;
    let room = common::CliRoom::new();
    let keys = tempfile::tempdir().unwrap();
    let sel = room.selection("Bundelwijk", "panel");
    let (q, r) = (fixture("quotas.csv"), fixture("respondents.csv"));
    room.ok(&["panel", "draw", &sel, q.to_str().unwrap(), r.to_str().unwrap(), "--size", "20", "--lottery", "100"]);
    room.ok(&["panel", "table", &sel]);
    let pick: serde_json::Value = serde_json::from_str(&room.ok(&["panel", "pick", &sel, "--number", "42"])).unwrap();
    let mut members: Vec<String> =
        pick["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_uppercase()).collect();
    // One drawn member declines: the first one who can be replaced. The
    // candidates are exactly those with whom the panel still meets the
    // quotas (checked here one by one, both ways); a member with none is
    // told so, and truly has none.
    let fixtures = read_fixtures();
    let without = |at: usize, code: &String| -> bool {
        let mut p: Vec<String> = members.iter().enumerate().filter(|&(i, _)| i != at).map(|(_, m)| m.clone()).collect();
        p.push(code.clone());
        meets_quotas(&fixtures, &p)
    };
    let (at, listed) = (0..members.len())
        .find_map(|at| {
            let (ok, out, err) = room.run("Ann", &["panel", "candidates", &sel, &members[at]]);
            if !ok {
                assert!(err.contains("Niemand kan de plaats"), "{err}");
                assert!(fixtures.1.keys().filter(|c| !members.contains(c)).all(|c| !without(at, c)));
                return None;
            }
            let listed: Vec<String> = out
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    let (n, code) = l.split_once('\t').unwrap();
                    assert_eq!(n, i.to_string());
                    code.to_string()
                })
                .collect();
            Some((at, listed))
        })
        .expect("some member of the drawn panel can be replaced");
    let leaving = members[at].clone();
    assert!(!listed.is_empty());
    for code in fixtures.1.keys().filter(|c| !members.contains(c)) {
        assert_eq!(without(at, code), listed.contains(code), "{code}");
    }
    let (ok, _, err) = room.run(
        "Ann",
        &["panel", "replace", &sel, &leaving, "--reason", "verhuisd", "--number", &listed.len().to_string()],
    );
    assert!(!ok && err.contains("kies een nummer van 0 tot en met"), "{err}");
    let (ok, _, err) = room.run("Ann", &["panel", "replace", &sel, &leaving, "--reason", " ", "--number", "0"]);
    assert!(!ok, "a replacement needs a reason: {err}");
    let rep: serde_json::Value = serde_json::from_str(&room.ok(&[
        "panel",
        "replace",
        &sel,
        &leaving,
        "--reason",
        "verhuisd",
        "--seed",
        "Lotto 2 december",
    ]))
    .unwrap();
    let chosen = rep["replacement"].as_str().unwrap().to_string();
    assert_eq!(listed[rep["number"].as_u64().unwrap() as usize], chosen);
    members[at] = chosen.to_uppercase();
    assert!(meets_quotas(&fixtures, &members));
    let round = room.ok(&["panel", "open", &sel, "--format", "points:5", "--present", &members.join(",")]);
    for (i, m) in members.iter().enumerate() {
        let votes = if i % 2 == 0 { "A=3,C=2" } else { "B=5" };
        room.ok(&["panel", "vote", &sel, &round, m, votes]);
    }
    room.ok(&["panel", "close-round", &sel, &round]);
    room.ok(&["panel", "close", &sel]);
    let zip_path = keys.path().join("bundel.zip");
    let with_keys = |args: &[&str]| {
        common::run_cli(Some(&room.db), Some("Ann"), "nl", args, None, &[("WIJKSTEM_KEY_DIR", keys.path().as_os_str())])
    };
    let (ok, out, err) = with_keys(&["bundle", "export", &sel, "--out", zip_path.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = with_keys(&["verify", zip_path.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("Loting klopt") && out.contains("nummer 42"), "{out}");

    // The draw's files, read from the zip by this test.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        files.insert(f.name().to_string(), b);
    }
    assert_eq!(files["records/draw/respondents.csv"], std::fs::read(fixture("respondents.csv")).unwrap());
    std::fs::write(keys.path().join("report.pdf"), &files["report.pdf"]).unwrap();
    let text = common::pdf_text(&keys.path().join("report.pdf")).unwrap_or_default();
    assert!(text.is_empty() || text.contains("Loting: het panel"), "the report says how the panel was drawn");
    let events: Vec<wijkstem::storage::audit::AuditEvent> =
        String::from_utf8_lossy(&files["audit.jsonl"]).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let check = |files: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
        match wijkstem::output::bundle::draw::check(files, &events).unwrap() {
            Ok(_) => vec![],
            Err(ps) => ps.iter().map(|p| p.code.clone()).collect(),
        }
    };
    assert_eq!(check(&files), Vec::<String>::new());
    let sha = |b: &[u8]| {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(b))
    };
    let mut draw: serde_json::Value = serde_json::from_slice(&files["records/draw/draw.json"]).unwrap();

    // Another number than the one drawn: named.
    let mut forged = files.clone();
    let mut d = draw.clone();
    d["pick"]["number"] = serde_json::json!(43);
    forged.insert("records/draw/draw.json".into(), serde_json::to_vec(&d).unwrap());
    assert!(check(&forged).contains(&"bundle.draw_pick".to_string()), "{:?}", check(&forged));

    // A panel in the table that breaks a quota, the table's hash made to match:
    // the quota check names it, and the chain does not know that table.
    let table = String::from_utf8(files["records/draw/table.txt"].clone()).unwrap();
    let line = table.lines().nth(1 + 7).unwrap().to_string();
    let (_, codes) = line.split_once(':').unwrap();
    let mut codes: Vec<&str> = codes.split(',').collect();
    codes.truncate(19);
    let bad = table.replace(&line, &format!("7:{}", codes.join(",")));
    let mut forged = files.clone();
    forged.insert("records/draw/table.txt".into(), bad.clone().into_bytes());
    draw["table_sha256"] = serde_json::json!(sha(bad.as_bytes()));
    forged.insert("records/draw/draw.json".into(), serde_json::to_vec(&draw).unwrap());
    let found = check(&forged);
    assert!(found.contains(&"bundle.draw_panel_quotas".to_string()), "{found:?}");
    assert!(found.contains(&"bundle.draw_not_in_chain".to_string()), "the chain never recorded that table: {found:?}");

    // Why a member declined is not published; leaving the replacement out is named.
    let d: serde_json::Value = serde_json::from_slice(&files["records/draw/draw.json"]).unwrap();
    assert_eq!(d["replacements"][0]["reason"], "");
    assert!(!String::from_utf8_lossy(&files["audit.jsonl"]).contains("verhuisd"));
    let mut forged = files.clone();
    let mut d = d.clone();
    d["replacements"] = serde_json::json!([]);
    forged.insert("records/draw/draw.json".into(), serde_json::to_vec(&d).unwrap());
    assert!(check(&forged).contains(&"bundle.draw_replacements_count".to_string()), "{:?}", check(&forged));
    // A bundle without the draw's files, of a panel drawn by lot: named.
    let mut forged = files.clone();
    forged.retain(|k, _| !k.starts_with("records/draw/"));
    assert_eq!(check(&forged), vec!["bundle.draw_missing".to_string()]);

    // A replacement that is not the one the number gives: named.
    let mut forged = files.clone();
    let mut d: serde_json::Value = serde_json::from_slice(&files["records/draw/draw.json"]).unwrap();
    let n = d["replacements"][0]["number"].as_u64().unwrap();
    d["replacements"][0]["number"] = serde_json::json!((n + 1) % d["replacements"][0]["candidates"].as_u64().unwrap());
    forged.insert("records/draw/draw.json".into(), serde_json::to_vec(&d).unwrap());
    assert!(check(&forged).contains(&"bundle.draw_replace".to_string()), "{:?}", check(&forged));

    // A chance stated higher than the table gives: named.
    let mut forged = files.clone();
    let mut d: serde_json::Value = serde_json::from_slice(&files["records/draw/draw.json"]).unwrap();
    d["chances"][0]["probability"] = serde_json::json!("0.900000");
    forged.insert("records/draw/draw.json".into(), serde_json::to_vec(&d).unwrap());
    assert!(check(&forged).contains(&"bundle.draw_chance".to_string()), "{:?}", check(&forged));
}

/// The baseline to compare with: every quota panel equally likely. Its
/// chances add up to the panel's size, and the leximin's smallest chance is
/// at least the baseline's (leximin makes the smallest as large as it can).
#[test]
fn the_uniform_baseline_is_printed_to_compare_with() {
    let (q, r) = (fixture("quotas.csv"), fixture("respondents.csv"));
    let (q, r) = (q.to_str().unwrap(), r.to_str().unwrap());
    let out = draw(&[q, r, "--size", "20", "--algorithm", "uniform", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let u: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ps: Vec<f64> = u["probabilities"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(ps.len(), 150);
    assert!((ps.iter().sum::<f64>() - 20.0).abs() < 1e-6);
    let umin = u["min_probability"].as_f64().unwrap();
    assert_eq!(umin, ps.iter().copied().fold(f64::INFINITY, f64::min));
    let spread = u["spread"].as_f64().unwrap();
    assert!(spread < 0.05, "{spread}");
    let lex: serde_json::Value = serde_json::from_slice(&draw(&[q, r, "--size", "20", "--json"]).stdout).unwrap();
    assert!(lex["min_probability"].as_f64().unwrap() >= umin - spread, "{lex} vs {u}");
    assert_eq!(lex["uniform_min_probability"].as_f64().unwrap(), umin);
    // Text: both, in Dutch.
    let text = String::from_utf8(draw(&[q, r, "--size", "20"]).stdout).unwrap();
    assert!(text.contains("Ter vergelijking, bij een gewone loting"), "{text}");
    // Wrong choices are named.
    let bad = draw(&[q, r, "--size", "20", "--algorithm", "maximin"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("leximin, uniform"));
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("t.pdf");
    let bad =
        draw(&[q, r, "--size", "20", "--algorithm", "uniform", "--lottery", "100", "--out", pdf.to_str().unwrap()]);
    assert!(!bad.status.success() && !pdf.exists());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--lottery gaat met de leximin-kansen"));
}
