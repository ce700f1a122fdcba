//! `wijkstem tables`: gesprekstafels from a script, through the same session
//! calls (and so the same checks and roles) as the app's screens.

use clap::Subcommand;
use wijkstem::i18n::Lang;
use wijkstem::problem::Failure;
use wijkstem::session::Session;
use wijkstem::tables::{TableInput, TableSettings, VerdictFormat, VerdictInput};

use super::args;

#[derive(Subcommand)]
pub enum TablesCommand {
    /// How tables give their verdict: points:N (N points per participant), ranking or support
    Settings {
        selection: i64,
        #[arg(long)]
        format: String,
        #[arg(long)]
        min: u32,
        #[arg(long)]
        max: u32,
    },
    /// Add a table to a round; prints it as JSON (with its sheet's QR text)
    Add {
        selection: i64,
        #[arg(long)]
        round: u32,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        facilitator: String,
        #[arg(long, default_value = "")]
        location: String,
        /// The plans this table discusses (A,B,C); none means every plan still in
        #[arg(long, default_value = "")]
        plans: String,
    },
    /// The tables with their verdicts, as JSON
    List { selection: i64 },
    /// Enter a table's verdict: --values A=3,B=2 (points, rank or support 2/1/0 per plan)
    Verdict {
        selection: i64,
        table: i64,
        #[arg(long)]
        participants: u32,
        #[arg(long)]
        values: String,
        /// Conditions for "support with conditions": --condition A="alleen op zaterdag" (repeatable)
        #[arg(long)]
        condition: Vec<String>,
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// Plans that fall away after a round below a threshold; with --confirm, decide it
    Drop {
        selection: i64,
        #[arg(long)]
        after_round: u32,
        #[arg(long)]
        threshold: String,
        #[arg(long)]
        confirm: bool,
    },
    /// The ranking, the budget line and the funded package, as JSON
    Overview { selection: i64 },
    /// Print the table sheets (PDF in the export folder) of one round or all
    Sheets {
        selection: i64,
        #[arg(long)]
        round: Option<u32>,
    },
    /// Close the result: no verdict changes after this
    Close { selection: i64 },
}

pub fn tables(s: &mut Session, command: &TablesCommand, lang: Lang) -> Result<(), Failure> {
    match command {
        TablesCommand::Settings { selection, format, min, max } => {
            let (kind, n) = args::format(format, &["points:N", "ranking", "support"])?;
            let format = match kind.as_str() {
                "points" => VerdictFormat::Points { per_participant: n.unwrap_or(0) },
                "ranking" => VerdictFormat::Ranking,
                _ => VerdictFormat::Support,
            };
            s.set_table_settings(
                *selection,
                &TableSettings { format, min_participants: *min, max_participants: *max },
            )?;
        }
        TablesCommand::Add { selection, round, name, facilitator, location, plans } => {
            let input = TableInput {
                round: *round,
                name: name.clone(),
                facilitator: facilitator.clone(),
                location: location.clone(),
                plans: args::list(plans),
            };
            args::print_json(&s.add_table(*selection, &input)?);
        }
        TablesCommand::List { selection } => args::print_json(&s.tables(*selection)?),
        TablesCommand::Verdict { selection, table, participants, values, condition, notes } => {
            let verdict = VerdictInput {
                participants: *participants,
                values: args::pairs(values)?,
                conditions: condition.iter().map(|c| args::labelled(c)).collect::<Result<_, _>>()?,
                notes: notes.clone(),
                rows: Vec::new(),
            };
            args::print_json(&s.enter_verdict(*selection, *table, &verdict)?);
        }
        TablesCommand::Drop { selection, after_round, threshold, confirm } => {
            let dropped = if *confirm {
                s.confirm_drop(*selection, *after_round, threshold)?
            } else {
                s.drop_preview(*selection, *after_round, threshold)?
            };
            println!("{}", dropped.join("\n"));
        }
        TablesCommand::Overview { selection } => args::print_json(&s.tables_overview(*selection, lang)?),
        TablesCommand::Sheets { selection, round } => println!("{}", s.print_table_sheets(*selection, *round, lang)?),
        TablesCommand::Close { selection } => s.close_tables(*selection)?,
    }
    Ok(())
}
