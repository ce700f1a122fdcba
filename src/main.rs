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
use wijkstem::storage::store::Store;

mod cli;
use cli::ballots::{ballots, BallotsCommand};
use cli::panel::{panel, PanelCommand};
use cli::pb::{pb, PbCommand};
use cli::setup::{plan_id, selection, PlanArgs, SelectionCommand};
use cli::station::{online, station, OnlineCommand, StationCommand};
use cli::tables::{tables, TablesCommand};
use cli::team::{team, TeamCommand};

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
    /// Create or change a selection
    Selection {
        #[command(subcommand)]
        command: SelectionCommand,
    },
    /// Plans of a selection
    Plans {
        #[command(subcommand)]
        command: PlansCommand,
    },
    /// Gesprekstafels: settings, tables, verdicts, drop-outs, overview, sheets, closing
    Tables {
        #[command(subcommand)]
        command: TablesCommand,
    },
    /// Draw a panel by lot: each respondent's chance (leximin) and the lottery table of numbered panels
    Draw(cli::draw::DrawArgs),
    /// Gelote wijkpanels: members, rounds, votes, amendments, projector, package, closing
    Panel {
        #[command(subcommand)]
        command: PanelCommand,
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
    /// Counting on several laptops: set-up and station packages on a USB stick
    Station {
        #[command(subcommand)]
        command: StationCommand,
    },
    /// The online vote of a paper-ballot selection
    Online {
        #[command(subcommand)]
        command: OnlineCommand,
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
    /// Add a plan: CODE TITLE COST (euro)
    Add {
        selection: i64,
        #[command(flatten)]
        plan: PlanArgs,
    },
    /// Change a plan (found by its code): CODE TITLE COST
    Update {
        selection: i64,
        #[command(flatten)]
        plan: PlanArgs,
    },
    /// Remove a plan (while the selection is a draft)
    Remove { selection: i64, code: String },
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
    let lang = Lang::from_env();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return cli::args::refuse(e, lang),
    };
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

fn signer() -> Result<wijkstem::output::signing::Signer, Failure> {
    let pass = std::env::var("WIJKSTEM_KEY_PASSPHRASE").ok();
    Ok(wijkstem::output::signing::Signer::load_or_create(&wijkstem::output::signing::key_dir(), pass.as_deref())?)
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
        None => {
            std::fs::read_to_string(wijkstem::output::signing::key_dir().join(wijkstem::output::signing::PUBLIC)).ok()
        }
    };
    let pk = match key_text {
        Some(t) => Some(wijkstem::output::signing::public_key_from_file_text(&t).ok_or_else(|| {
            Failure::from(
                Problem::new("key.damaged").with("path", pubkey.map(|p| p.display().to_string()).unwrap_or_default()),
            )
        })?),
        None => None,
    };
    let report = wijkstem::output::bundle::verify(&bytes, pk.as_ref());
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
    if let Command::Draw(args) = &cli.command {
        return cli::draw::draw(args, lang);
    }
    if let Command::Verify { bundle, pubkey } = &cli.command {
        return verify(bundle, pubkey.as_deref(), lang);
    }
    if let Command::Key { command: KeyCommand::Export { out } } = &cli.command {
        // Exporting publishes the key; it never makes one (that is the first
        // signature's, by a signed-in coordinator).
        if !wijkstem::output::signing::key_dir().join(wijkstem::output::signing::SECRET).exists() {
            return Err(wijkstem::Problem::new("key.none_yet").into());
        }
        let k = signer()?;
        let text = wijkstem::output::signing::public_key_file(&k.pk);
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
        Command::Station { command } => station(&mut s, command, lang)?,
        Command::Online { command } => online(&mut s, command, lang)?,
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
        Command::Plans { command: PlansCommand::Add { selection, plan } } => {
            println!("{}", s.add_plan(*selection, &plan.input()?)?.id);
        }
        Command::Plans { command: PlansCommand::Update { selection, plan } } => {
            let id = plan_id(&s, *selection, &plan.code)?;
            s.update_plan(id, &plan.input()?)?;
        }
        Command::Plans { command: PlansCommand::Remove { selection, code } } => {
            let id = plan_id(&s, *selection, code)?;
            s.remove_plan(id)?;
        }
        Command::Selection { command } => selection(&mut s, command)?,
        Command::Tables { command } => tables(&mut s, command, lang)?,
        Command::Panel { command } => panel(&mut s, command, lang)?,
        Command::Pb { .. } | Command::Draw(_) | Command::Verify { .. } | Command::Key { .. } => {
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
                p.insert("head".to_string(), wijkstem::storage::audit::short_hash(&e.hash));
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

pub(crate) fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| {
        Failure::from(wijkstem::Problem::new("export.write").with("path", path.display()).with("detail", e))
    })
}
