//! `wijkstem pb`: a pabulib file's result under any rule, as the city
//! computed it or as Wijkstem does.

use crate::*;

#[derive(Subcommand)]
pub enum PbCommand {
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

pub fn pb(command: &PbCommand, lang: Lang) -> Result<ExitCode, Failure> {
    use wijkstem::explain;
    use wijkstem::problem::ToProblem;
    use wijkstem::rules::{self, Add1Variant, GreedyScore, Rule, TieBreak};
    use wijkstem::Problem;
    let PbCommand::Tally { file, rule, variant, tie_break, threshold, json } = command;
    let f = std::fs::File::open(file)
        .map_err(|e| Failure::from(Problem::new("pabulib.io").with("detail", format!("{}: {e}", file.display()))))?;
    let pbf = wijkstem::pabulib::read(std::io::BufReader::new(f), false)?;
    for w in &pbf.warnings {
        eprintln!("{}", w.to_problem().render(lang));
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
            "warnings": pbf.warnings.iter().map(|w| w.to_problem().render(lang)).collect::<Vec<_>>(),
            "rule": rule_desc,
            "tie_break": tb,
            "budget": explain::amount(&e, e.budget),
            "selected": out.ids(&e),
            "total_cost": explain::amount(&e, out.total_cost),
            "ties": out.ties,
            "explanation": out.steps.iter().map(|s| explain::render(&e, s, lang)).collect::<Vec<_>>(),
            "steps": out.steps,
        });
        super::args::print_json(&v);
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
