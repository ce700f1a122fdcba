//! `wijkstem ballots` and `wijkstem box`: paper ballots from printing to
//! the tally.

use crate::*;

#[derive(Subcommand)]
pub enum BallotsCommand {
    /// Take back your own last entry (a typo), while nothing builds on it yet
    Undo { selection: i64 },
    /// Set the ballot style: --approval MIN MAX, --points TOTAL MAX_PER_PLAN or --ranking TOP
    Style {
        selection: i64,
        #[arg(long, num_args = 2, value_names = ["MIN", "MAX"])]
        approval: Option<Vec<u32>>,
        #[arg(long, num_args = 2, value_names = ["TOTAL", "MAX_PER_PLAN"])]
        points: Option<Vec<u32>>,
        #[arg(long, value_name = "TOP")]
        ranking: Option<u32>,
        /// Every ballot is entered twice, by two different operators
        #[arg(long)]
        double_entry: bool,
        /// What an over-vote does: invalid or doubtful (committee decides)
        #[arg(long, default_value = "invalid")]
        overvote: String,
        /// What an under-vote does: valid, invalid or doubtful
        #[arg(long, default_value = "valid")]
        undervote: String,
    },
    /// Ballot boxes: list, add (with a cover sheet), close, reopen
    Box {
        #[command(subcommand)]
        command: BoxCommand,
    },
    /// Print N new ballots (random serials) to a PDF
    Print {
        selection: i64,
        #[arg(long)]
        count: u32,
        #[arg(long)]
        out: PathBuf,
        /// 1 or 2 ballots per A4 page
        #[arg(long, default_value_t = 1)]
        per_page: u8,
    },
    /// Enter ballots from standard input, one per line: `SCAN MARKS [! doubtful reason]`,
    /// MARKS like `MM01,MM03`, `MM01=3,MM02=2` or `-` for blank. A line holding a
    /// box cover's QR text switches the box.
    Enter {
        selection: i64,
        /// The ballot box the ballots come from
        #[arg(long = "box")]
        box_id: Option<i64>,
    },
    /// Double entry: list differences, or settle one with --keep 1|2|none|recheck
    Reconcile {
        selection: i64,
        #[arg(long)]
        serial: Option<String>,
        #[arg(long)]
        keep: Option<String>,
    },
    /// Differences sent back: list them, or re-enter one with --serial S --marks M
    Recheck {
        selection: i64,
        #[arg(long)]
        serial: Option<String>,
        #[arg(long)]
        marks: Option<String>,
    },
    /// Doubtful ballots and warnings, with the decisions and explanations
    Reviews { selection: i64 },
    /// The committee decides a doubtful ballot
    Decide {
        selection: i64,
        serial: String,
        /// Count the ballot (otherwise it is invalid)
        #[arg(long)]
        accept: bool,
        #[arg(long)]
        why: String,
    },
    /// Explain why a warning on a ballot was accepted (printed in the report)
    Explain {
        selection: i64,
        serial: String,
        code: String,
        #[arg(long)]
        why: String,
    },
    /// Pause or resume entry
    Pause {
        selection: i64,
        #[arg(long)]
        resume: bool,
    },
    /// Progress: boxes, entered, queues (results only once the count is closed)
    Progress {
        selection: i64,
        #[arg(long)]
        json: bool,
    },
    /// Close the count: every box closed, no differences or doubtful ballots left
    Close { selection: i64 },
    /// Export the public cast-vote records (CSV, no serials) and a pabulib .pb file;
    /// --internal also writes the committee's records with serials (never publish those)
    Export {
        selection: i64,
        #[arg(long)]
        cvr: PathBuf,
        #[arg(long)]
        pb: PathBuf,
        #[arg(long)]
        internal: Option<PathBuf>,
    },
    /// The tally and the funded plans (rule: greedy, mes, mes_add1, mes_add1_greedy)
    Tally {
        selection: i64,
        #[arg(long, default_value = "greedy")]
        rule: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum BoxCommand {
    List {
        selection: i64,
    },
    /// Add a box; with --cover, also print its cover sheet
    Add {
        selection: i64,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        location: String,
        #[arg(long)]
        expected: u64,
        #[arg(long)]
        cover: Option<PathBuf>,
    },
    /// Close a box; its counts must reconcile unless --override gives the reason
    Close {
        selection: i64,
        #[arg(long = "box")]
        box_id: i64,
        #[arg(long = "override")]
        override_reason: Option<String>,
    },
    Reopen {
        selection: i64,
        #[arg(long = "box")]
        box_id: i64,
        #[arg(long)]
        why: String,
    },
}

pub fn print_boxes(boxes: &[wijkstem::paper::boxes::BoxView], lang: Lang) {
    for b in boxes {
        let mut m = std::collections::BTreeMap::new();
        for (k, v) in [
            ("id", b.id.to_string()),
            ("name", b.name.clone()),
            ("location", b.location.clone()),
            ("expected", b.expected.to_string()),
            ("entered", b.entered.to_string()),
            ("settled", b.settled.to_string()),
            ("waiting", b.waiting.to_string()),
            ("differences", b.differences.to_string()),
            ("state", t(lang, if b.closed { "cliout.closed" } else { "cliout.open" })),
            ("override", b.override_reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()),
        ] {
            m.insert(k.to_string(), v);
        }
        println!("{}", wijkstem::i18n::tr(lang, "cliout.box_line", &m));
    }
}

pub fn ballots(s: &mut Session, command: &BallotsCommand, lang: Lang) -> Result<ExitCode, Failure> {
    use wijkstem::explain;
    use wijkstem::paper::ballot::{BallotStyle, EntryRules, Treat};
    use wijkstem::paper::{parse_marks, PaperSettings};
    use wijkstem::rules::TieBreak;
    use wijkstem::Problem;
    match command {
        BallotsCommand::Style { selection, approval, points, ranking, double_entry, overvote, undervote } => {
            let style = match (approval, points, ranking) {
                (Some(a), None, None) => BallotStyle::Approval { min: a[0], max: a[1] },
                (None, Some(p), None) => BallotStyle::Points { total: p[0], max_per_plan: p[1] },
                (None, None, Some(t)) => BallotStyle::Ranking { top: *t },
                _ => return Err(Problem::new("paper.no_style").into()),
            };
            let treat = |t: &str| -> Result<Treat, Failure> {
                serde_json::from_value(serde_json::json!(t)).map_err(|_| Failure::from(Problem::new("paper.bad_rules")))
            };
            let rules =
                EntryRules { overvote: treat(overvote)?, undervote: treat(undervote)?, ..EntryRules::default() };
            s.set_paper_settings(*selection, &PaperSettings { style, double_entry: *double_entry, rules })?;
            let settings =
                s.paper_settings(*selection)?.ok_or_else(|| Failure::from(Problem::new("paper.no_style")))?;
            println!("{}", wijkstem::pdf::instruction(&settings.style, lang));
        }
        BallotsCommand::Print { selection, count, out, per_page } => {
            // The file is made before the serials are recorded: a wrong path records nothing.
            let file = wijkstem::session::OutFile::create(out)?;
            let (serials, pdf) = s.print_ballots(*selection, *count, *per_page, lang)?;
            file.finish(&pdf)?;
            println!("{} → {}", serials.len(), out.display());
        }
        BallotsCommand::Box { command } => match command {
            BoxCommand::List { selection } => print_boxes(&s.boxes(*selection)?, lang),
            BoxCommand::Add { selection, name, location, expected, cover } => {
                let file = cover.as_deref().map(wijkstem::session::OutFile::create).transpose()?;
                let b = s.create_box(
                    *selection,
                    &wijkstem::paper::boxes::BoxInput {
                        name: name.clone(),
                        location: location.clone(),
                        expected: *expected,
                    },
                )?;
                if let Some(file) = file {
                    let sel = s.selection(*selection)?;
                    file.finish(&wijkstem::pdf::box_cover(&sel, b.id, &b.name, &b.location, b.expected, lang))?;
                }
                print_boxes(&[b], lang);
            }
            BoxCommand::Close { selection, box_id, override_reason } => {
                print_boxes(&[s.close_box(*selection, *box_id, override_reason.as_deref())?], lang)
            }
            BoxCommand::Reopen { selection, box_id, why } => {
                print_boxes(&[s.reopen_box(*selection, *box_id, why)?], lang)
            }
        },
        BallotsCommand::Enter { selection, box_id } => {
            use std::io::BufRead;
            let (mut ok, mut refused) = (0, 0);
            let mut box_id = *box_id;
            for line in std::io::stdin().lock().lines() {
                let line = line.map_err(|e| Failure::from(Problem::new("store.sql").with("detail", e)))?;
                if line.trim().is_empty() {
                    continue;
                }
                let (main, doubtful) = match line.split_once('!') {
                    Some((m, d)) => (m, Some(d.trim())),
                    None => (line.as_str(), None),
                };
                let mut parts = main.split_whitespace();
                let scan = parts.next().unwrap_or("");
                if wijkstem::paper::ballot::parse_box_scan(scan).is_some() {
                    if let Some(b) = s.box_for_scan(*selection, scan)? {
                        box_id = Some(b);
                        let name =
                            s.boxes(*selection)?.into_iter().find(|x| x.id == b).map(|x| x.name).unwrap_or_default();
                        println!("BOX\t{b}\t{name}");
                    } else {
                        refused += 1;
                        let why = wijkstem::i18n::tr(
                            lang,
                            "problem.box.unknown",
                            &[("box".to_string(), scan.to_string())].into(),
                        );
                        println!("REFUSED\tbox.other_selection\t{why}");
                    }
                    continue;
                }
                let marks_text = parts.next().unwrap_or("-");
                let result =
                    parse_marks(marks_text).and_then(|m| s.enter_ballot(*selection, box_id, scan, &m, doubtful));
                match result {
                    Ok(r) => {
                        ok += 1;
                        let findings: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
                        println!(
                            "OK\t{}\t{}\t{:?}\t{}\t{}",
                            r.serial,
                            r.entry_no,
                            r.verdict,
                            findings.join(","),
                            r.double_entry.unwrap_or_default()
                        );
                    }
                    Err(f) => {
                        refused += 1;
                        let codes: Vec<&str> = f.problems.iter().map(|p| p.code.as_str()).collect();
                        println!("REFUSED\t{}\t{}", codes.join(","), f.render(lang));
                    }
                }
            }
            eprintln!("{ok} ok, {refused} refused");
            return Ok(if refused == 0 { ExitCode::SUCCESS } else { ExitCode::from(3) });
        }
        BallotsCommand::Reconcile { selection, serial, keep } => match (serial, keep) {
            (Some(serial), Some(keep)) => {
                use wijkstem::paper::review::Resolution;
                let how = match keep.as_str() {
                    "1" => Resolution::KeepFirst,
                    "2" => Resolution::KeepSecond,
                    "none" => Resolution::DiscardBoth,
                    "recheck" => Resolution::Recheck,
                    other => return Err(Problem::new("cli.bad_keep").with("value", other).into()),
                };
                s.resolve(*selection, serial, how)?;
            }
            _ => {
                // serial, then each entry (who: marks) and the differing plans, tab-separated.
                let marks = |m: &[(String, u32)]| {
                    if m.is_empty() {
                        "-".to_string()
                    } else {
                        m.iter()
                            .map(|(c, v)| if *v == 1 { c.clone() } else { format!("{c}={v}") })
                            .collect::<Vec<_>>()
                            .join(",")
                    }
                };
                for d in s.differences(*selection)? {
                    println!(
                        "{}\t1 {}: {}\t2 {}: {}\t{}",
                        d.serial,
                        d.first.operator,
                        marks(&d.first.marks),
                        d.second.operator,
                        marks(&d.second.marks),
                        d.differing.join(",")
                    );
                }
            }
        },
        BallotsCommand::Undo { selection } => {
            let serial = s.undo_last_entry(*selection)?;
            println!("{}", t(lang, "paperui.undone").replace("{serial}", &serial));
        }
        BallotsCommand::Recheck { selection, serial, marks } => match (serial, marks) {
            (Some(serial), Some(marks)) => {
                let r = s.recheck_entry(*selection, serial, &parse_marks(marks)?)?;
                println!("OK\t{}\t{:?}", r.serial, r.verdict);
            }
            _ => {
                for r in s.rechecks(*selection)? {
                    println!("{}\t{}", r.serial, r.codes.join(","));
                }
            }
        },
        BallotsCommand::Reviews { selection } => {
            for r in s.reviews(*selection)? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    r.serial,
                    r.kind,
                    r.code,
                    r.detail,
                    r.decision.unwrap_or_default(),
                    r.explanation.unwrap_or_default()
                );
            }
        }
        BallotsCommand::Decide { selection, serial, accept, why } => {
            s.decide_doubtful(*selection, serial, *accept, why)?
        }
        BallotsCommand::Explain { selection, serial, code, why } => s.explain_warning(*selection, serial, code, why)?,
        BallotsCommand::Pause { selection, resume } => s.set_entry_paused(*selection, !*resume)?,
        BallotsCommand::Progress { selection, json } => {
            let v = s.progress(*selection, "greedy", lang)?;
            if *json {
                super::args::print_json(&v);
            } else {
                let mut m = std::collections::BTreeMap::new();
                for (k, x) in [
                    ("wijk", v.wijk.clone()),
                    ("edition", v.edition.clone()),
                    ("printed", v.printed.to_string()),
                    ("entered", v.entered.to_string()),
                    ("settled", v.settled.to_string()),
                    ("waiting", v.waiting.to_string()),
                    ("queue", v.queue.to_string()),
                    ("doubtful", v.doubtful_open.to_string()),
                ] {
                    m.insert(k.to_string(), x);
                }
                let mut line = wijkstem::i18n::tr(lang, "cliout.progress_line", &m);
                if v.paused {
                    line.push_str(&format!(" ({})", t(lang, "cliout.paused")));
                }
                if v.closed {
                    line.push_str(&format!(" ({})", t(lang, "cliout.closed")));
                }
                println!("{line}");
                print_boxes(&v.boxes, lang);
            }
        }
        BallotsCommand::Close { selection } => s.close_count(*selection)?,
        BallotsCommand::Export { selection, cvr, pb, internal } => {
            let (cvr_text, pb_text) = s.public_records(*selection)?;
            write_file(cvr, cvr_text.as_bytes())?;
            write_file(pb, pb_text.as_bytes())?;
            println!("{}\n{}", cvr.display(), pb.display());
            if let Some(path) = internal {
                write_file(path, &s.internal_records(*selection, lang)?)?;
                println!("{}", path.display());
            }
        }
        BallotsCommand::Tally { selection, rule, json } => {
            let settings =
                s.paper_settings(*selection)?.ok_or_else(|| Failure::from(Problem::new("paper.no_style")))?;
            let r = wijkstem::paper::rule_by_name(rule, &settings.style).ok_or_else(|| {
                Failure::from(
                    Problem::new("cli.unknown_rule")
                        .with("rule", rule)
                        .with("choices", "greedy, mes, mes_add1, mes_add1_greedy"),
                )
            })?;
            let t = s.tally(*selection, &r, &TieBreak::Lexicographic)?;
            let e = &t.election;
            if *json {
                let v = serde_json::json!({
                    "printed": t.printed, "valid": t.valid, "blank": t.blank, "invalid": t.invalid, "doubtful": t.doubtful,
                    "reconciliation_queue": t.reconciliation_queue, "online_valid": t.online_valid,
                    "plans": e.projects.iter().enumerate().map(|(i, p)| serde_json::json!({"code": p.id, "votes": t.votes[i], "points": t.points[i], "online_votes": t.online_votes.get(i).copied().unwrap_or(0), "cost_cents": p.cost})).collect::<Vec<_>>(),
                    "funded": t.outcome.ids(e),
                    "total_cost_cents": t.outcome.total_cost,
                    "explanation": t.outcome.steps.iter().map(|st| explain::render_euro(e, st, lang)).collect::<Vec<_>>(),
                });
                super::args::print_json(&v);
            } else {
                println!(
                    "printed {} valid {} blank {} invalid {} doubtful {} queue {}",
                    t.printed, t.valid, t.blank, t.invalid, t.doubtful, t.reconciliation_queue
                );
                // With an online vote: its valid ballots, and per plan its votes after the total.
                let online = t.online_valid > 0;
                if online {
                    println!("paper {} online {}", t.valid - t.online_valid, t.online_valid);
                }
                for (i, p) in e.projects.iter().enumerate() {
                    if online {
                        let o = t.online_votes.get(i).copied().unwrap_or(0);
                        println!("{}\t{}\t{}\tpaper {}\tonline {o}", p.id, t.votes[i], t.points[i], t.votes[i] - o);
                    } else {
                        println!("{}\t{}\t{}", p.id, t.votes[i], t.points[i]);
                    }
                }
                println!("funded: {}", t.outcome.ids(e).join(" "));
                for st in &t.outcome.steps {
                    println!("  {}", explain::render_euro(e, st, lang));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
