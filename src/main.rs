//! `wijkstem`: the command line for coordinators and scripts. It works on the
//! same database as the desktop app and prints in Dutch unless
//! WIJKSTEM_LANG/LANG asks for English.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wijkstem::i18n::{t, Lang};
use wijkstem::money::format_euro;
use wijkstem::problem::Failure;
use wijkstem::session::Session;
use wijkstem::store::Store;

#[derive(Parser)]
#[command(name = "wijkstem", version, about = "Wijkstem: offline selection for participatory budgets")]
struct Cli {
    /// Database file (default: the app's data directory)
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    /// Your name on the roster; changes made by this command are recorded under it
    #[arg(long, global = true, env = "WIJKSTEM_OPERATOR")]
    operator: Option<String>,
    /// Your PIN (better: WIJKSTEM_PIN, which no process list shows)
    #[arg(long, global = true, env = "WIJKSTEM_PIN", hide_env_values = true)]
    pin: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load the demo edition (two wijken with plans)
    Demo,
    /// Where things are: version, database, backups, signing key, exports
    About,
    /// List selections with their ids
    Selections,
    /// Plans of a selection
    Plans {
        #[command(subcommand)]
        command: PlansCommand,
    },
    /// Paper ballots (offline stemmen): style, printing, entry, tally
    Ballots {
        #[command(subcommand)]
        command: BallotsCommand,
    },
    /// pabulib (.pb) files: compute outcomes with any rule
    Pb {
        #[command(subcommand)]
        command: PbCommand,
    },
    /// The audit log
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print the result report (proces-verbaal) of a closed count as PDF
    Report {
        selection: i64,
        #[arg(long)]
        out: PathBuf,
    },
    /// The signed result bundle
    Bundle {
        #[command(subcommand)]
        command: BundleCommand,
    },
    /// Check a result bundle: signature, every hash, the audit chain, the
    /// result recomputed from the ballots; exit code 0 only when all holds
    Verify {
        bundle: PathBuf,
        /// The public key to trust (minisign .pub file); default: this laptop's key
        #[arg(long)]
        pubkey: Option<PathBuf>,
    },
    /// The signing key (created on first use; passphrase from WIJKSTEM_KEY_PASSPHRASE)
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// The roster: who may sign in, as coordinator or volunteer, with a PIN
    Team {
        #[command(subcommand)]
        command: TeamCommand,
    },
}

#[derive(Subcommand)]
enum TeamCommand {
    /// The names on the roster with their role
    List,
    /// Put someone on the roster (the very first one, a coordinator, needs no sign-in)
    Add {
        name: String,
        /// coordinator or volunteer
        #[arg(long)]
        role: String,
        /// Their PIN, 4 to 6 digits (or WIJKSTEM_NEW_PIN)
        #[arg(long, env = "WIJKSTEM_NEW_PIN", hide_env_values = true)]
        new_pin: String,
    },
    /// A new PIN (your own, or as coordinator anyone's)
    Pin {
        name: String,
        #[arg(long, env = "WIJKSTEM_NEW_PIN", hide_env_values = true)]
        new_pin: String,
    },
    /// Change someone's role, or take them off the roster (--off) or back on (--on)
    Change {
        name: String,
        #[arg(long)]
        role: Option<String>,
        #[arg(long, conflicts_with = "on")]
        off: bool,
        #[arg(long)]
        on: bool,
    },
}

#[derive(Subcommand)]
enum BundleCommand {
    /// Write the signed bundle (zip) of a closed count
    Export {
        selection: i64,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Print the public key (minisign format) and its id; --out writes it to a file
    Export {
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum PlansCommand {
    /// List the plans of a selection
    List { selection: i64 },
    /// Import plans from a CSV file (code, title, description, cost, initiator): all or nothing
    Import { selection: i64, file: PathBuf },
}

#[derive(Subcommand)]
enum BallotsCommand {
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
enum BoxCommand {
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

#[derive(Subcommand)]
enum PbCommand {
    /// Compute the funded plans of a .pb file with a rule, with the explanation
    Tally {
        file: PathBuf,
        /// greedy, greedy-no-skip, greedy-threshold, greedy_cost, greedy_points, greedy_card,
        /// mes, mes_cost, mes_card, mes_cost_add1, mes_card_add1, mes_cost_add1_greedy,
        /// mes_card_add1_greedy, or official (the rule the file's META names)
        #[arg(long)]
        rule: String,
        /// add1 variant: pabutools (stop at the first exhaustive outcome) or official (raise while within budget)
        #[arg(long, default_value = "pabutools")]
        variant: String,
        /// lexicographic, lottery:SEED, cost-then-votes or given
        #[arg(long, default_value = "lexicographic")]
        tie_break: String,
        /// Minimum score for greedy-threshold (default: META min_project_score_threshold)
        #[arg(long)]
        threshold: Option<u64>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain of the audit log and every record against it;
    /// exit code 0 only when intact (and, with --head or --checkpoint, when
    /// the chain still holds that head)
    Verify {
        /// A head written down or printed on a proces-verbaal (full hash or short form)
        #[arg(long)]
        head: Option<String>,
        /// A checkpoint file written beside the backups when a box closed
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
    /// The chain's head now (to write down or print)
    Head,
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    let lang = Lang::from_env();
    match run(cli, lang) {
        Ok(code) => code,
        Err(f) => {
            eprintln!("{}", f.render(lang));
            ExitCode::from(1)
        }
    }
}

/// `wijkstem … | head -1`: when the reader goes away, stop quietly instead of
/// panicking on the next line printed (every command prints with `println!`).
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if text.starts_with("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn open(cli: &Cli) -> Result<Session, Failure> {
    let path = cli.db.clone().unwrap_or_else(Store::default_path);
    // A mistyped --db must not quietly make a new, empty database: only
    // `demo` and `about` may start one.
    if !path.exists() && !matches!(cli.command, Command::Demo | Command::About) {
        return Err(wijkstem::Problem::new("cli.no_database").with("path", path.display()).into());
    }
    let mut s = Session::open(&path)?;
    // Roles are checked by the session, as in the app: a command that only a
    // coordinator may run is refused for a volunteer or without sign-in.
    // On a laptop without a roster only the demo and the first coordinator
    // can be made (`team add`); everything else asks for the roster first.
    let setting_up = matches!(cli.command, Command::Demo | Command::Team { command: TeamCommand::Add { .. } })
        && s.sign_in_screen()?.roster.is_empty();
    if let Some(name) = cli.operator.as_ref().filter(|_| !setting_up) {
        let Some(pin) = &cli.pin else {
            return Err(wijkstem::Problem::new("cli.pin_required").with("name", name).into());
        };
        s.authenticate(name, pin)?;
    }
    Ok(s)
}

fn team(s: &mut Session, command: &TeamCommand, lang: Lang) -> Result<(), Failure> {
    use wijkstem::roster::Role;
    use wijkstem::Problem;
    let role_of =
        |r: &str| Role::parse(r).ok_or_else(|| Failure::from(Problem::new("roster.bad_role").with("role", r)));
    let find = |s: &Session, name: &str| -> Result<wijkstem::roster::RosterMember, Failure> {
        let key = wijkstem::roster::name_key(name);
        s.roster()?
            .into_iter()
            .find(|m| wijkstem::roster::name_key(&m.name) == key)
            .ok_or_else(|| Problem::new("roster.unknown_name").with("name", name.trim()).into())
    };
    match command {
        TeamCommand::List => {
            for m in s.roster()? {
                let off = if m.active { String::new() } else { format!("\t{}", t(lang, "team.off")) };
                println!("{}\t{}{}", m.name, t(lang, &format!("role.{}", m.role.as_str())), off);
            }
        }
        TeamCommand::Add { name, role, new_pin } => {
            let role = role_of(role)?;
            let m = if s.sign_in_screen()?.roster.is_empty() && s.operator().is_none() {
                if role != Role::Coordinator {
                    return Err(Problem::new("roster.first_is_coordinator").into());
                }
                s.set_up_roster(name, new_pin)?;
                find(s, name)?
            } else {
                s.add_to_roster(name, role, new_pin)?
            };
            println!("{}\t{}", m.name, t(lang, &format!("role.{}", m.role.as_str())));
        }
        TeamCommand::Pin { name, new_pin } => {
            // Anyone may set their own PIN; the roster list is for coordinators.
            let id = if s.operator().map(wijkstem::roster::name_key) == Some(wijkstem::roster::name_key(name)) {
                s.own_roster_id()?
            } else {
                find(s, name)?.id
            };
            s.set_roster_pin(id, new_pin)?;
            println!("{}", t(lang, "team.pin_saved").replace("{name}", name.trim()));
        }
        TeamCommand::Change { name, role, off, on } => {
            let m = find(s, name)?;
            let role = match role {
                Some(r) => role_of(r)?,
                None => m.role,
            };
            let active = if *off { false } else { *on || m.active };
            let m = s.set_roster_member(m.id, role, active)?;
            let off = if m.active { String::new() } else { format!("\t{}", t(lang, "team.off")) };
            println!("{}\t{}{}", m.name, t(lang, &format!("role.{}", m.role.as_str())), off);
        }
    }
    Ok(())
}

fn signer() -> Result<wijkstem::signing::Signer, Failure> {
    let pass = std::env::var("WIJKSTEM_KEY_PASSPHRASE").ok();
    Ok(wijkstem::signing::Signer::load_or_create(&wijkstem::signing::key_dir(), pass.as_deref())?)
}

fn verify(bundle: &std::path::Path, pubkey: Option<&std::path::Path>, lang: Lang) -> Result<ExitCode, Failure> {
    use wijkstem::Problem;
    let bytes = std::fs::read(bundle)
        .map_err(|e| Failure::from(Problem::new("store.open").with("path", bundle.display()).with("detail", e)))?;
    let key_text = match pubkey {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| Failure::from(Problem::new("store.open").with("path", p.display()).with("detail", e)))?,
        ),
        None => std::fs::read_to_string(wijkstem::signing::key_dir().join(wijkstem::signing::PUBLIC)).ok(),
    };
    let pk = match key_text {
        Some(t) => Some(wijkstem::signing::public_key_from_file_text(&t).ok_or_else(|| {
            Failure::from(
                Problem::new("key.damaged").with("path", pubkey.map(|p| p.display().to_string()).unwrap_or_default()),
            )
        })?),
        None => None,
    };
    let report = wijkstem::bundle::verify(&bytes, pk.as_ref());
    for p in &report.passed {
        println!("✓ {}", p.render(lang));
    }
    for p in &report.problems {
        println!("✗ {}", p.render(lang));
    }
    Ok(if report.ok() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

fn run(cli: Cli, lang: Lang) -> Result<ExitCode, Failure> {
    if let Command::Pb { command } = &cli.command {
        return pb(command, lang);
    }
    if let Command::Verify { bundle, pubkey } = &cli.command {
        return verify(bundle, pubkey.as_deref(), lang);
    }
    if let Command::Key { command: KeyCommand::Export { out } } = &cli.command {
        // Exporting publishes the key; it never makes one (that is the first
        // signature's, by a signed-in coordinator).
        if !wijkstem::signing::key_dir().join(wijkstem::signing::SECRET).exists() {
            return Err(wijkstem::Problem::new("key.none_yet").into());
        }
        let k = signer()?;
        let text = wijkstem::signing::public_key_file(&k.pk);
        match out {
            Some(path) => write_file(path, text.as_bytes())?,
            None => print!("{text}"),
        }
        eprintln!("key id {}", k.key_id());
        return Ok(ExitCode::SUCCESS);
    }
    let mut s = open(&cli)?;
    match &cli.command {
        Command::Demo => {
            for sel in s.load_demo()? {
                println!("{}\t{}\t{}", sel.id, sel.wijk, format_euro(sel.budget_cents, lang));
            }
            let screen = s.sign_in_screen()?;
            if !screen.demo.is_empty() {
                println!();
                println!("{}", t(lang, "signin.demo_title"));
                for d in &screen.demo {
                    println!("  {}\t{}\t{}", d.name, t(lang, &format!("role.{}", d.role.as_str())), d.pin);
                }
            }
        }
        Command::Team { command } => team(&mut s, command, lang)?,
        Command::About => {
            let a = s.about();
            let label = |k: &str| t(lang, &format!("about.{k}"));
            println!("Wijkstem {}", a.version);
            println!("{}: {}", label("database"), a.db_path);
            println!("{}: {}", label("backups"), a.backup_dir.unwrap_or_else(|| label("no_backup_dir")));
            println!("{}: {}", label("key_file"), a.key_file);
            println!("{}: {}", label("public_key_file"), a.public_key_file);
            println!("{}: {}", label("key_id"), a.key_id.unwrap_or_else(|| label("no_key")));
            println!("{}: {}", label("exports"), a.export_dir);
        }
        Command::Selections => {
            println!(
                "id\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                t(lang, "field.edition"),
                t(lang, "field.wijk"),
                t(lang, "field.budget"),
                t(lang, "field.method"),
                t(lang, "field.status"),
                t(lang, "field.plans"),
                t(lang, "field.total_cost")
            );
            for sel in s.selections()? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    sel.id,
                    sel.edition,
                    sel.wijk,
                    format_euro(sel.budget_cents, lang),
                    t(lang, &format!("method.{}", sel.method.as_str())),
                    t(lang, &format!("status.{}", sel.status.as_str())),
                    sel.plan_count,
                    format_euro(sel.total_cost_cents, lang)
                );
            }
        }
        Command::Plans { command: PlansCommand::List { selection } } => {
            for p in s.plans(*selection)? {
                println!("{}\t{}\t{}\t{}", p.code, p.title, format_euro(p.cost_cents, lang), p.initiator);
            }
        }
        Command::Plans { command: PlansCommand::Import { selection, file } } => {
            let bytes = std::fs::read(file).map_err(|e| {
                Failure::from(wijkstem::Problem::new("store.open").with("path", file.display()).with("detail", e))
            })?;
            let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let report = s.import_plans_csv(*selection, &bytes, &name)?;
            let mut p = std::collections::BTreeMap::new();
            p.insert("count".to_string(), report.imported.to_string());
            println!("{}", wijkstem::i18n::tr(lang, "selection.imported", &p));
        }
        Command::Pb { .. } | Command::Verify { .. } | Command::Key { .. } => {
            unreachable!("handled before opening the database")
        }
        Command::Report { selection, out } => {
            let pass = std::env::var("WIJKSTEM_KEY_PASSPHRASE").ok();
            let (pdf, content_hash) = s.report_pdf(*selection, pass.as_deref(), lang)?;
            write_file(out, &pdf)?;
            println!("{}\t{}", out.display(), content_hash);
        }
        Command::Bundle { command: BundleCommand::Export { selection, out } } => {
            let pass = std::env::var("WIJKSTEM_KEY_PASSPHRASE").ok();
            let (zip, manifest) = s.signed_bundle(*selection, pass.as_deref(), lang)?;
            write_file(out, &zip)?;
            println!("{}\tkey {}", out.display(), manifest.key_id);
        }
        Command::Ballots { command } => return ballots(&mut s, command, lang),
        Command::Audit { command: AuditCommand::Head } => {
            let h = s.chain_head()?;
            println!("{}\t{}\t{}", h.seq, h.short, h.hash);
        }
        Command::Audit { command: AuditCommand::Verify { head, checkpoint } }
            if head.is_some() || checkpoint.is_some() =>
        {
            // Exit code 2 when the chain does not hold the head, as for a broken chain.
            let checks = [
                head.as_deref().map(|h| s.audit_verify_head(h).map(|e| (e, None))),
                checkpoint.as_deref().map(|c| s.audit_verify_checkpoint(c).map(|(e, signed)| (e, Some(signed)))),
            ];
            for check in checks.into_iter().flatten() {
                let (e, signed) = match check {
                    Ok(found) => found,
                    Err(f) => {
                        for problem in &f.problems {
                            eprintln!("{}", problem.render(lang));
                        }
                        return Ok(ExitCode::from(2));
                    }
                };
                let total = s.chain_head()?.seq;
                let mut p = std::collections::BTreeMap::new();
                p.insert("seq".to_string(), e.seq.to_string());
                p.insert("head".to_string(), wijkstem::audit::short_hash(&e.hash));
                p.insert("after".to_string(), (total - e.seq).to_string());
                println!("{}", wijkstem::i18n::tr(lang, "audit.head_ok", &p));
                if signed == Some(false) {
                    println!("{}", wijkstem::i18n::tr(lang, "audit.checkpoint_unsigned", &p));
                }
            }
        }
        Command::Audit { command: AuditCommand::Verify { .. } } => {
            let r = s.audit_verify()?;
            let mut p = std::collections::BTreeMap::new();
            match r.broken_at {
                None => {
                    p.insert("count".to_string(), r.events.to_string());
                    println!("{}", wijkstem::i18n::tr(lang, "audit.ok", &p));
                    println!("head {}", r.head);
                }
                Some(b) => {
                    p.insert("seq".to_string(), b.seq.to_string());
                    p.insert("kind".to_string(), b.kind);
                    let key = match b.record {
                        Some(r) => {
                            p.insert("record".to_string(), r);
                            if p["kind"] == "schema" {
                                "audit.schema_broken"
                            } else {
                                "audit.record_broken"
                            }
                        }
                        None => "audit.broken",
                    };
                    eprintln!("{}", wijkstem::i18n::tr(lang, key, &p));
                    return Ok(ExitCode::from(2));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn pb(command: &PbCommand, lang: Lang) -> Result<ExitCode, Failure> {
    use wijkstem::rules::{self, explain, Add1Variant, GreedyScore, Rule, TieBreak};
    use wijkstem::Problem;
    let PbCommand::Tally { file, rule, variant, tie_break, threshold, json } = command;
    let f = std::fs::File::open(file)
        .map_err(|e| Failure::from(Problem::new("pabulib.io").with("detail", format!("{}: {e}", file.display()))))?;
    let pbf = wijkstem::pabulib::read(std::io::BufReader::new(f), false)?;
    for w in &pbf.warnings {
        eprintln!("{}", w.render(lang));
    }
    let e = pbf.election();
    let tb = match tie_break.as_str() {
        "lexicographic" => TieBreak::Lexicographic,
        "cost-then-votes" => TieBreak::CostThenVotes,
        "given" => TieBreak::Given,
        t if t.starts_with("lottery:") && t.len() > 8 => TieBreak::Lottery { seed: t[8..].to_string() },
        other => return Err(Problem::new("cli.bad_tie_break").with("value", other).into()),
    };
    let variant = match variant.as_str() {
        "official" => Add1Variant::Official,
        "pabutools" => Add1Variant::Pabutools,
        other => return Err(Problem::new("cli.bad_variant").with("value", other).into()),
    };
    let (rule_desc, out) = if rule == "official" {
        (format!("official ({})", pbf.meta("rule").unwrap_or("unknown")), pbf.official_outcome()?)
    } else {
        let r = match rule.as_str() {
            "greedy-threshold" | "greedy_threshold" => {
                let min = threshold
                    .or_else(|| pbf.meta("min_project_score_threshold").and_then(|t| t.parse().ok()))
                    .unwrap_or(0);
                Rule::GreedyThreshold { score: GreedyScore::Approvals, min_score: min }
            }
            name => match Rule::parse(name) {
                Some(Rule::MesAdd1 { sat, .. }) => Rule::MesAdd1 { sat, variant },
                Some(Rule::MesAdd1Greedy { sat, .. }) => Rule::MesAdd1Greedy { sat, variant },
                Some(r) => r,
                None => {
                    return Err(Problem::new("cli.unknown_rule")
                        .with("rule", name)
                        .with("choices", {
                            let mut names: Vec<&str> = Rule::NAMES.to_vec();
                            names.extend(["greedy-threshold", "greedy_threshold", "official"]);
                            names.join(", ")
                        })
                        .into())
                }
            },
        };
        (serde_json::to_string(&r).unwrap_or_default(), rules::run(&e, &r, &tb))
    };
    if *json {
        let v = serde_json::json!({
            "file": file.display().to_string(),
            "warnings": pbf.warnings.iter().map(|w| w.render(lang)).collect::<Vec<_>>(),
            "rule": rule_desc,
            "tie_break": tb,
            "budget": explain::amount(&e, e.budget),
            "selected": out.ids(&e),
            "total_cost": explain::amount(&e, out.total_cost),
            "ties": out.ties,
            "explanation": out.steps.iter().map(|s| explain::render(&e, s, lang)).collect::<Vec<_>>(),
            "steps": out.steps,
        });
        println!("{}", serde_json::to_string_pretty(&v).expect("JSON values serialise"));
        return Ok(ExitCode::SUCCESS);
    }
    let label = |k: &str| t(lang, &format!("pb.{k}"));
    println!("{}: {}", label("rule"), rule_desc);
    println!("{}: {}", label("budget"), explain::amount(&e, e.budget));
    println!("{}:", label("funded"));
    for &p in &out.selected {
        println!("  {}\t{}", e.projects[p].id, explain::amount(&e, e.projects[p].cost));
    }
    println!("{}: {} ({} {})", label("total"), explain::amount(&e, out.total_cost), out.selected.len(), label("plans"));
    if !out.ties.is_empty() {
        println!("{}:", label("ties"));
        for tie in &out.ties {
            println!("  {}", explain::render_tie(tie, lang));
        }
    }
    println!("{}:", label("explanation"));
    for s in &out.steps {
        println!("  {}", explain::render(&e, s, lang));
    }
    Ok(ExitCode::SUCCESS)
}

fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| {
        Failure::from(wijkstem::Problem::new("export.write").with("path", path.display()).with("detail", e))
    })
}

fn print_boxes(boxes: &[wijkstem::batch::BoxView]) {
    for b in boxes {
        println!(
            "box {}\t{}\t{}\texpected {}\tentered {}\tsettled {}\twaiting {}\tdifferences {}\t{}{}",
            b.id,
            b.name,
            b.location,
            b.expected,
            b.entered,
            b.settled,
            b.waiting,
            b.differences,
            if b.closed { "closed" } else { "open" },
            b.override_reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()
        );
    }
}

fn ballots(s: &mut Session, command: &BallotsCommand, lang: Lang) -> Result<ExitCode, Failure> {
    use wijkstem::ballot::{BallotStyle, EntryRules, Treat};
    use wijkstem::paper::{parse_marks, PaperSettings};
    use wijkstem::rules::{explain, TieBreak};
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
            BoxCommand::List { selection } => print_boxes(&s.boxes(*selection)?),
            BoxCommand::Add { selection, name, location, expected, cover } => {
                let file = cover.as_deref().map(wijkstem::session::OutFile::create).transpose()?;
                let b = s.create_box(
                    *selection,
                    &wijkstem::batch::BoxInput { name: name.clone(), location: location.clone(), expected: *expected },
                )?;
                if let Some(file) = file {
                    let sel = s.selection(*selection)?;
                    file.finish(&wijkstem::pdf::box_cover(&sel, b.id, &b.name, &b.location, b.expected, lang))?;
                }
                print_boxes(&[b]);
            }
            BoxCommand::Close { selection, box_id, override_reason } => {
                print_boxes(&[s.close_box(*selection, *box_id, override_reason.as_deref())?])
            }
            BoxCommand::Reopen { selection, box_id, why } => print_boxes(&[s.reopen_box(*selection, *box_id, why)?]),
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
                if let Some((sel, b)) = wijkstem::ballot::parse_box_scan(scan) {
                    if sel == *selection {
                        box_id = Some(b);
                        println!("BOX\t{b}");
                    } else {
                        refused += 1;
                        println!("REFUSED\tbox.other_selection");
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
                use wijkstem::review::Resolution;
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
                println!("{}", serde_json::to_string_pretty(&v).expect("JSON values serialise"));
            } else {
                println!(
                    "{} — {}: printed {} entered {} settled {} waiting {} queue {} doubtful {}{}{}",
                    v.wijk,
                    v.edition,
                    v.printed,
                    v.entered,
                    v.settled,
                    v.waiting,
                    v.queue,
                    v.doubtful_open,
                    if v.paused { " (paused)" } else { "" },
                    if v.closed { " (closed)" } else { "" }
                );
                print_boxes(&v.boxes);
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
                    "reconciliation_queue": t.reconciliation_queue,
                    "plans": e.projects.iter().enumerate().map(|(i, p)| serde_json::json!({"code": p.id, "votes": t.votes[i], "points": t.points[i], "cost_cents": p.cost})).collect::<Vec<_>>(),
                    "funded": t.outcome.ids(e),
                    "total_cost_cents": t.outcome.total_cost,
                    "explanation": t.outcome.steps.iter().map(|st| explain::render_euro(e, st, lang)).collect::<Vec<_>>(),
                });
                println!("{}", serde_json::to_string_pretty(&v).expect("JSON values serialise"));
            } else {
                println!(
                    "printed {} valid {} blank {} invalid {} doubtful {} queue {}",
                    t.printed, t.valid, t.blank, t.invalid, t.doubtful, t.reconciliation_queue
                );
                for (i, p) in e.projects.iter().enumerate() {
                    println!("{}\t{}\t{}", p.id, t.votes[i], t.points[i]);
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
