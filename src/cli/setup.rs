//! `wijkstem selection` and `wijkstem plans add|update|remove`: setting up a
//! selection from a script, as the app's set-up screens do.

use clap::Subcommand;
use wijkstem::problem::{Failure, Problem};
use wijkstem::selection::{Method, PlanInput, SelectionInput};
use wijkstem::session::Session;

use super::args;

#[derive(Subcommand)]
pub enum SelectionCommand {
    /// Create a selection; prints its id
    Create {
        /// The edition, e.g. "Wijkbudget 2027"
        #[arg(long)]
        edition: String,
        #[arg(long)]
        wijk: String,
        /// The budget in euro, e.g. 40000 or 40.000,00
        #[arg(long)]
        budget: String,
        /// tables (gesprekstafels), ballots (offline stemmen) or panel (geloot wijkpanel)
        #[arg(long)]
        method: String,
    },
    /// Change a selection's edition, wijk, budget or method (while it is a draft)
    Update {
        id: i64,
        #[arg(long)]
        edition: String,
        #[arg(long)]
        wijk: String,
        #[arg(long)]
        budget: String,
        #[arg(long)]
        method: String,
    },
}

fn selection_input(edition: &str, wijk: &str, budget: &str, method: &str) -> Result<SelectionInput, Failure> {
    let method = Method::parse(method).ok_or_else(|| {
        Failure::from(Problem::new("cli.bad_format").with("value", method).with("choices", "tables, ballots, panel"))
    })?;
    Ok(SelectionInput { edition: edition.into(), wijk: wijk.into(), budget_cents: args::euro(budget)?, method })
}

pub fn selection(s: &mut Session, command: &SelectionCommand) -> Result<(), Failure> {
    let sel = match command {
        SelectionCommand::Create { edition, wijk, budget, method } => {
            s.create_selection(&selection_input(edition, wijk, budget, method)?)?
        }
        SelectionCommand::Update { id, edition, wijk, budget, method } => {
            s.update_selection(*id, &selection_input(edition, wijk, budget, method)?)?
        }
    };
    println!("{}", sel.id);
    Ok(())
}

/// The fields of a plan as the CLI takes them.
#[derive(clap::Args)]
pub struct PlanArgs {
    pub code: String,
    pub title: String,
    /// The cost in euro
    pub cost: String,
    #[arg(long, default_value = "")]
    pub description: String,
    #[arg(long, default_value = "")]
    pub initiator: String,
}

impl PlanArgs {
    pub fn input(&self) -> Result<PlanInput, Failure> {
        Ok(PlanInput {
            code: self.code.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            cost_cents: args::euro(&self.cost)?,
            initiator: self.initiator.clone(),
        })
    }
}

/// A plan's id from its code in a selection.
pub fn plan_id(s: &Session, selection: i64, code: &str) -> Result<i64, Failure> {
    s.plans(selection)?
        .into_iter()
        .find(|p| p.code.eq_ignore_ascii_case(code.trim()))
        .map(|p| p.id)
        .ok_or_else(|| Problem::new("cli.unknown_plan").with("code", code).into())
}
