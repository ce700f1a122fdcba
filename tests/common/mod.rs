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

/// A word and its box as `pdftotext -bbox` reads them (points, top-left origin).
#[derive(Debug, Clone)]
pub struct Word {
    pub page: usize,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    /// Read only by the failure messages.
    #[allow(dead_code)]
    pub text: String,
}

fn attr(tag: &str, name: &str) -> f32 {
    let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
}

/// Every word with its position, and each page's size.
pub fn words(pdf: &Path) -> (Vec<(f32, f32)>, Vec<Word>) {
    let out = Command::new("pdftotext").arg("-bbox").arg(pdf).arg("-").output().unwrap();
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    let (mut pages, mut words) = (Vec::new(), Vec::new());
    for tag in html.split('<').skip(1) {
        if tag.starts_with("page ") {
            pages.push((attr(tag, "width"), attr(tag, "height")));
        } else if tag.starts_with("word ") {
            let text = tag[tag.find('>').unwrap() + 1..].to_string();
            words.push(Word {
                page: pages.len() - 1,
                x0: attr(tag, "xMin"),
                y0: attr(tag, "yMin"),
                x1: attr(tag, "xMax"),
                y1: attr(tag, "yMax"),
                text,
            });
        }
    }
    (pages, words)
}

/// The text of one page (or the part of it between `top` and `bottom`
/// points), words joined by single spaces.
pub fn text_of(pdf: &Path, page: usize, crop: Option<(f32, f32)>) -> String {
    let mut cmd = Command::new("pdftotext");
    cmd.args(["-f", &(page + 1).to_string(), "-l", &(page + 1).to_string()]);
    if let Some((top, bottom)) = crop {
        let (top, height) = (top.round() as i64, (bottom - top).round() as i64);
        cmd.args(["-x", "0", "-y", &top.to_string(), "-W", "1000", "-H", &height.to_string()]);
    }
    let out = cmd.arg(pdf).arg("-").output().unwrap();
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

pub fn count_token(hay: &str, token: &str) -> usize {
    hay.split(' ').filter(|w| *w == token).count()
}

/// Every word inside the page with a printer's margin, no two words on top
/// of each other, and (for two per page) no word across the cut line.
pub fn check_positions(pages: &[(f32, f32)], words: &[Word], halves: bool) {
    const MARGIN_PT: f32 = 14.0; // 5 mm: what a printer leaves blank
    for w in words {
        let (pw, ph) = pages[w.page];
        assert!(
            w.x0 >= MARGIN_PT && w.x1 <= pw - MARGIN_PT && w.y0 >= MARGIN_PT && w.y1 <= ph - MARGIN_PT,
            "{w:?} outside the printable page"
        );
        if halves {
            assert!(w.y1 <= ph / 2.0 || w.y0 >= ph / 2.0, "{w:?} lies across the cut between two ballots");
        }
    }
    for page in 0..pages.len() {
        let on: Vec<&Word> = words.iter().filter(|w| w.page == page).collect();
        for (i, a) in on.iter().enumerate() {
            for b in &on[i + 1..] {
                let ox = a.x1.min(b.x1) - a.x0.max(b.x0);
                let oy = a.y1.min(b.y1) - a.y0.max(b.y0);
                assert!(ox <= 0.5 || oy <= 0.5, "{a:?} and {b:?} overlap");
            }
        }
    }
}

/// The problem codes of a failure, for `assert_eq!(codes(&e), ["…"])`.
pub fn codes(f: &wijkstem::problem::Failure) -> Vec<String> {
    f.problems.iter().map(|p| p.code.clone()).collect()
}

/// Run the `wijkstem` CLI: on `db` (if any), as `who` (if any), in `lang`,
/// with `stdin` fed in and extra environment; (success, stdout, stderr).
pub fn run_cli(
    db: Option<&Path>,
    who: Option<&str>,
    lang: &str,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &std::ffi::OsStr)],
) -> (bool, String, String) {
    use std::io::Write;
    use std::process::Stdio;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wijkstem"));
    if let Some(db) = db {
        cmd.arg("--db").arg(db);
    }
    cmd.args(args).env("WIJKSTEM_LANG", lang);
    if let Some(who) = who {
        if let Some(db) = db {
            on_roster(db, who);
        }
        cmd.env("WIJKSTEM_OPERATOR", who).env("WIJKSTEM_PIN", pin_of(who));
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// The PIN every test operator gets.
pub const TEST_PIN: &str = "2580";

/// Sign in as `name` with a coordinator's rights: on an empty roster `name`
/// sets it up; someone not on it yet is put on it (as coordinator) by the
/// first coordinator the test knows the PIN of (the demo's or a test one).
/// The PIN of a test operator: the demo's for its names, else `TEST_PIN`.
pub fn pin_of(name: &str) -> &'static str {
    use wijkstem::roster::name_key;
    wijkstem::demo::DEMO_ROSTER.iter().find(|d| name_key(d.0) == name_key(name)).map(|d| d.2).unwrap_or(TEST_PIN)
}

/// Put `who` on the roster of the database at `db` (if it exists and has a
/// roster), so the CLI can be run as them with `pin_of(who)`.
#[allow(dead_code)]
pub fn on_roster(db: &Path, who: &str) {
    use wijkstem::roster::name_key;
    if !db.exists() {
        return;
    }
    let mut s = wijkstem::session::Session::open(db).unwrap();
    let screen = s.sign_in_screen().unwrap();
    if screen.roster.is_empty() || screen.roster.iter().any(|m| name_key(&m.name) == name_key(who)) {
        return;
    }
    sign_in(&mut s, who).unwrap();
    s.sign_out().unwrap();
}

#[allow(dead_code)]
pub fn sign_in(
    s: &mut wijkstem::session::Session,
    name: &str,
) -> Result<wijkstem::roster::SignedIn, wijkstem::problem::Failure> {
    use wijkstem::roster::{name_key, Role};
    let screen = s.sign_in_screen()?;
    if screen.roster.is_empty() {
        return s.set_up_roster(name, TEST_PIN);
    }
    if screen.roster.iter().any(|m| name_key(&m.name) == name_key(name)) {
        return s.sign_in(name, pin_of(name));
    }
    let coordinator = screen.roster.iter().find(|m| m.role == Role::Coordinator).expect("a roster has a coordinator");
    s.sign_in(&coordinator.name, pin_of(&coordinator.name))?;
    s.add_to_roster(name, Role::Coordinator, TEST_PIN)?;
    s.sign_in(name, TEST_PIN)
}

/// A database driven through the CLI only, as Ann (coordinator, set up on
/// an empty roster), printing into its own export folder.
pub struct CliRoom {
    _dir: tempfile::TempDir,
    pub db: std::path::PathBuf,
    export: std::path::PathBuf,
}

impl CliRoom {
    pub fn new() -> CliRoom {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("w.db");
        let mut s = wijkstem::session::Session::open(&db).unwrap();
        sign_in(&mut s, "Ann").unwrap();
        let export = dir.path().join("export");
        CliRoom { _dir: dir, db, export }
    }

    /// The CLI as `who`: (success, stdout, stderr).
    pub fn run(&self, who: &str, args: &[&str]) -> (bool, String, String) {
        run_cli(Some(&self.db), Some(who), "nl", args, None, &[("WIJKSTEM_EXPORT_DIR", self.export.as_os_str())])
    }

    /// The CLI as Ann, expected to succeed: its output, trimmed.
    pub fn ok(&self, args: &[&str]) -> String {
        let (ok, out, err) = self.run("Ann", args);
        assert!(ok, "{args:?}: {err}");
        out.trim().to_string()
    }

    /// A selection of `method` in `wijk` with € 10.000 and plans A € 3.000,
    /// B € 6.000, C € 5.000, made on the command line; its id.
    pub fn selection(&self, wijk: &str, method: &str) -> String {
        let sel = self.ok(&[
            "selection",
            "create",
            "--edition",
            "E",
            "--wijk",
            wijk,
            "--budget",
            "10.000",
            "--method",
            method,
        ]);
        for (code, title, cost) in [("A", "Bankjes", "3000"), ("B", "Bomen", "6000"), ("C", "Speeltuin", "5000")] {
            self.ok(&["plans", "add", &sel, code, title, cost]);
        }
        sel
    }
}

thread_local! {
    static SQL: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// For `Session::trace_sql`: keep every statement run on this thread.
#[allow(dead_code)]
pub fn log_sql(sql: &str) {
    SQL.with(|l| l.borrow_mut().push(sql.split_whitespace().collect::<Vec<_>>().join(" ")));
}

/// The statements kept since the last call.
#[allow(dead_code)]
pub fn take_sql() -> Vec<String> {
    SQL.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

/// What a write call read of the records before its transaction began
/// (nothing, when its checks read inside it; the roster, for who is signed
/// in, does not count).
#[allow(dead_code)]
pub fn read_before_begin(log: &[String]) -> Vec<String> {
    let begin = log.iter().position(|x| x.starts_with("BEGIN")).unwrap_or(log.len());
    let records = [
        "selection",
        "plan",
        "ballot",
        "ballot_box",
        "ballot_entry",
        "recheck",
        "review",
        "entry_draft",
        "conv_table",
        "table_verdict",
        "table_drop",
        "panel_member",
        "panel_round",
        "panel_vote",
        "panel_attendance",
        "panel_amendment",
        "panel_voted",
        "panel_ballot",
        "audit_log",
    ];
    log[..begin]
        .iter()
        .filter(|x| x.to_lowercase().split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| records.contains(&w)))
        .cloned()
        .collect()
}

/// A walk through writes, recording the SQL each one ran: `call` after each
/// write (with whether it was meant to succeed), `finish` to check that
/// every one ran a write transaction and read no record before it.
#[allow(dead_code)]
pub struct WriteWalk {
    calls: Vec<(&'static str, Vec<String>)>,
}

#[allow(dead_code)]
impl WriteWalk {
    pub fn start(s: &mut wijkstem::session::Session) -> WriteWalk {
        s.trace_sql(Some(log_sql));
        take_sql();
        WriteWalk { calls: Vec::new() }
    }

    pub fn call(&mut self, what: &'static str, as_meant: bool) {
        self.calls.push((what, take_sql()));
        assert!(as_meant, "{what}");
    }

    pub fn finish(self, s: &mut wijkstem::session::Session) {
        s.trace_sql(None);
        for (what, log) in &self.calls {
            assert!(log.iter().any(|x| x == "BEGIN IMMEDIATE"), "{what}: no write transaction: {log:#?}");
            assert_eq!(read_before_begin(log), Vec::<String>::new(), "{what}: read before its transaction");
        }
    }
}
