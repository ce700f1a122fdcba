//! `wijkstem panel`: a gelote wijkpanel from a script, through the same
//! session calls (and so the same checks and roles) as the app's screens.

use clap::Subcommand;
use wijkstem::i18n::Lang;
use wijkstem::panel::lot::Pick;
use wijkstem::panel::RoundFormat;
use wijkstem::problem::Failure;
use wijkstem::session::Session;

use super::args;

#[derive(Subcommand)]
pub enum PanelCommand {
    /// Add a panel member (a code, and a name that stays on this laptop)
    Member { selection: i64, code: String, name: String },
    /// How many members must be present for a round to count
    Quorum { selection: i64, quorum: u32 },
    /// Open a round: --format points:N, approval:N, ranking or consent; --present A1,A2,…; prints its number
    Open {
        selection: i64,
        #[arg(long)]
        format: String,
        #[arg(long)]
        present: String,
    },
    /// A member's vote in a round: A=3,B=2 (points), A=1,C=1 (approval) or A=1,B=2 (ranks)
    Vote { selection: i64, round: u32, member: String, votes: String },
    /// A member's answer in a consent round: --agree, or --objection "…"
    Consent {
        selection: i64,
        round: u32,
        member: String,
        #[arg(long)]
        agree: bool,
        #[arg(long, default_value = "")]
        objection: String,
    },
    /// Close a round (below quorum only with --override "reason")
    CloseRound {
        selection: i64,
        round: u32,
        #[arg(long)]
        r#override: Option<String>,
    },
    /// Freeze or unfreeze the projected ranking (on/off)
    Freeze { selection: i64, on: String },
    /// Change a plan between rounds: --cost EUR, --withdraw or --merge-from CODE, always with --reason
    Amend {
        selection: i64,
        plan: String,
        #[arg(long)]
        cost: Option<String>,
        #[arg(long)]
        withdraw: bool,
        #[arg(long)]
        merge_from: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// Members, rounds and who voted (never what), as JSON
    State { selection: i64 },
    /// What the projector shows now, as JSON
    Projector { selection: i64 },
    /// The package of the last closed round, as JSON
    Package { selection: i64 },
    /// Print the round cards (PDF in the export folder)
    Cards { selection: i64 },
    /// Close the panel's decision
    Close { selection: i64 },
    /// Draw the panel by lot: compute each respondent's chance from the quotas (CSV feature,value,min,max) and the respondents (CSV code + one column per feature) and keep the table of numbered panels; prints the draw as JSON
    Draw {
        selection: i64,
        quotas: std::path::PathBuf,
        respondents: std::path::PathBuf,
        /// Seats on the panel
        #[arg(long)]
        size: u32,
        /// Numbered panels in the table: 100, 1000 or 10000 (two, three or four ten-sided dice)
        #[arg(long, default_value_t = 1000)]
        lottery: usize,
    },
    /// Print the lottery table of the draw (PDF in the export folder)
    Table { selection: i64 },
    /// The number drawn in public (--number N), or a seed from a public source (--seed TEXT): seats that panel; prints it as JSON
    Pick {
        selection: i64,
        #[arg(long, conflicts_with = "seed", required_unless_present = "seed")]
        number: Option<u32>,
        #[arg(long)]
        seed: Option<String>,
    },
    /// The draw: chances, the table's hash and the number drawn, as JSON
    Lot { selection: i64 },
    /// Who may take a drawn member's seat if they decline, numbered from 0 (the number to draw)
    Candidates { selection: i64, member: String },
    /// A drawn member declines: the number drawn among the candidates (--number N) or a public seed (--seed TEXT) seats their replacement; prints it as JSON
    Replace {
        selection: i64,
        member: String,
        #[arg(long)]
        reason: String,
        #[arg(long, conflicts_with = "seed", required_unless_present = "seed")]
        number: Option<u32>,
        #[arg(long)]
        seed: Option<String>,
    },
}

pub fn panel(s: &mut Session, command: &PanelCommand, lang: Lang) -> Result<(), Failure> {
    match command {
        PanelCommand::Member { selection, code, name } => args::print_json(&s.add_member(*selection, code, name)?),
        PanelCommand::Quorum { selection, quorum } => s.set_quorum(*selection, *quorum)?,
        PanelCommand::Open { selection, format, present } => {
            let (kind, n) = args::format(format, &["points:N", "approval:N", "ranking", "consent"])?;
            let format = match kind.as_str() {
                "points" => RoundFormat::Points { per_member: n.unwrap_or(0) },
                "approval" => RoundFormat::Approval { max: n.unwrap_or(0) },
                "ranking" => RoundFormat::Ranking,
                _ => RoundFormat::Consent,
            };
            println!("{}", s.open_round(*selection, &format, &args::list(present))?);
        }
        PanelCommand::Vote { selection, round, member, votes } => {
            s.cast_vote(*selection, *round, member, &args::pairs(votes)?)?
        }
        PanelCommand::Consent { selection, round, member, agree, objection } => {
            s.record_consent(*selection, *round, member, *agree, objection)?
        }
        PanelCommand::CloseRound { selection, round, r#override } => {
            s.close_round(*selection, *round, r#override.as_deref())?
        }
        PanelCommand::Freeze { selection, on } => {
            let frozen = match on.trim().to_lowercase().as_str() {
                "on" | "aan" | "1" => true,
                "off" | "uit" | "0" => false,
                _ => {
                    return Err(wijkstem::Problem::new("cli.bad_format")
                        .with("value", on)
                        .with("choices", "on, off")
                        .into())
                }
            };
            s.set_frozen(*selection, frozen)?
        }
        PanelCommand::Amend { selection, plan, cost, withdraw, merge_from, reason } => {
            let cost = cost.as_deref().map(args::euro).transpose()?;
            s.amend(*selection, plan, cost, *withdraw, merge_from.as_deref(), reason)?
        }
        PanelCommand::State { selection } => args::print_json(&s.panel_state(*selection)?),
        PanelCommand::Projector { selection } => args::print_json(&s.projector(*selection, lang)?),
        PanelCommand::Package { selection } => args::print_json(&s.panel_package(*selection, lang)?),
        PanelCommand::Cards { selection } => println!("{}", s.print_round_cards(*selection, lang)?),
        PanelCommand::Close { selection } => s.close_panel(*selection)?,
        PanelCommand::Draw { selection, quotas, respondents, size, lottery } => {
            let (quotas, pool) = (quotas.to_string_lossy(), respondents.to_string_lossy());
            args::print_json(&s.panel_draw_files(*selection, &quotas, &pool, *size, *lottery)?)
        }
        PanelCommand::Table { selection } => println!("{}", s.print_lottery(*selection, lang)?),
        PanelCommand::Pick { selection, number, seed } => {
            args::print_json(&s.panel_pick(*selection, &pick_of(number, seed)?)?)
        }
        PanelCommand::Lot { selection } => args::print_json(&s.panel_draw_record(*selection)?),
        PanelCommand::Candidates { selection, member } => {
            for (i, code) in s.replacement_candidates(*selection, member)?.iter().enumerate() {
                println!("{i}\t{code}");
            }
        }
        PanelCommand::Replace { selection, member, reason, number, seed } => {
            args::print_json(&s.replace_member(*selection, member, &pick_of(number, seed)?, reason)?)
        }
    }
    Ok(())
}

/// A number thrown or a public seed, whichever was given.
fn pick_of(number: &Option<u32>, seed: &Option<String>) -> Result<Pick, Failure> {
    match (number, seed) {
        (Some(n), _) => Ok(Pick::Number { number: *n }),
        (None, Some(seed)) => Ok(Pick::Seed { seed: seed.clone() }),
        (None, None) => Err(wijkstem::Problem::new("cli.pick_how").into()),
    }
}
