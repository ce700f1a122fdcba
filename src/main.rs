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
    /// Name recorded in the audit log for changes made by this command
    #[arg(long, global = true, env = "WIJKSTEM_OPERATOR")]
    operator: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load the demo edition (two wijken with plans)
    Demo,
    /// List selections with their ids
    Selections,
    /// Plans of a selection
    Plans {
        #[command(subcommand)]
        command: PlansCommand,
    },
    /// The audit log
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
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
enum AuditCommand {
    /// Check the hash chain of the audit log; exit code 0 only when intact
    Verify,
}

fn main() -> ExitCode {
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

fn open(cli: &Cli) -> Result<Session, Failure> {
    let path = cli.db.clone().unwrap_or_else(Store::default_path);
    let mut s = Session::open(&path)?;
    let who = cli
        .operator
        .clone()
        .unwrap_or_else(|| format!("cli:{}", std::env::var("USER").unwrap_or_else(|_| "onbekend".into())));
    if needs_operator(&cli.command) {
        s.sign_in(&who)?;
    }
    Ok(s)
}

fn needs_operator(c: &Command) -> bool {
    matches!(c, Command::Demo | Command::Plans { command: PlansCommand::Import { .. } })
}

fn run(cli: Cli, lang: Lang) -> Result<ExitCode, Failure> {
    let mut s = open(&cli)?;
    match &cli.command {
        Command::Demo => {
            for sel in s.load_demo()? {
                println!("{}\t{}\t{}", sel.id, sel.wijk, format_euro(sel.budget_cents, lang));
            }
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
        Command::Audit { command: AuditCommand::Verify } => {
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
                    eprintln!("{}", wijkstem::i18n::tr(lang, "audit.broken", &p));
                    return Ok(ExitCode::from(2));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
