//! Each step of a rule in a sentence a moderator can read aloud. The rules
//! crate gives its steps, ties and tie-breaking as data; this module puts
//! them in the user's language.

use std::collections::BTreeMap;

use crate::i18n::{tr, Lang};
use crate::rules::{Election, GreedyDecision, Step, TieBreak};

/// An amount in the election's units, shown in whole currency units
/// (with decimals when the election counts in cents).
pub fn amount(e: &Election, v: i64) -> String {
    let scale = e.unit_scale.max(1);
    if scale == 1 {
        v.to_string()
    } else {
        let digits = (scale as f64).log10().round() as usize;
        format!("{}.{:0>width$}", v / scale, (v % scale).abs(), width = digits)
    }
}

/// The tie-breaking in words, for reports and explanations.
pub fn tie_break(tb: &TieBreak, lang: Lang) -> String {
    let mut p = std::collections::BTreeMap::new();
    let key = match tb {
        TieBreak::Lexicographic => "tiebreak.lexicographic",
        TieBreak::Lottery { seed } => {
            p.insert("seed".to_string(), seed.clone());
            "tiebreak.lottery"
        }
        TieBreak::CostThenVotes => "tiebreak.cost_then_votes",
        TieBreak::Given => "tiebreak.given",
    };
    tr(lang, key, &p)
}

pub fn render(e: &Election, step: &Step, lang: Lang) -> String {
    render_with(step, lang, &|v| amount(e, v))
}

/// Wijkstem's own selections count in euro cents: amounts read as "€ 28.500,00".
pub fn render_euro(_e: &Election, step: &Step, lang: Lang) -> String {
    render_with(step, lang, &|v| crate::money::format_euro(v, lang))
}

/// A step in words, with amounts written by `amount`.
pub fn render_with(step: &Step, lang: Lang, amount: &dyn Fn(i64) -> String) -> String {
    let mut p = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        p.insert(k.to_string(), v);
    };
    let key = match step {
        Step::Greedy { project, score, cost, remaining_before, decision } => {
            put("project", project.clone());
            put("score", decimal_for(score, lang));
            put("cost", amount(*cost));
            put("remaining", amount(*remaining_before));
            put("left", amount(remaining_before - cost));
            match decision {
                GreedyDecision::Funded => "explain.greedy_funded",
                GreedyDecision::DoesNotFit => "explain.greedy_does_not_fit",
                GreedyDecision::Stopped => "explain.greedy_stopped",
                // The default rule's only threshold is "at least one vote": say that, not "threshold".
                GreedyDecision::BelowThreshold if score == "0" => "explain.greedy_no_votes",
                GreedyDecision::BelowThreshold => "explain.greedy_below_threshold",
                GreedyDecision::Withdrawn => "explain.greedy_withdrawn",
            }
        }
        Step::Mes { round, project, supporters, price_per_supporter, affordability: _, cost, remaining_after } => {
            put("round", round.to_string());
            put("project", project.clone());
            put("supporters", supporters.to_string());
            put("price", price_per_supporter.clone());
            put("cost", amount(*cost));
            put("left", amount(*remaining_after));
            "explain.mes_funded"
        }
        Step::Free { project } => {
            put("project", project.clone());
            "explain.free"
        }
        Step::Add1 { per_voter_budget, runs, reason } => {
            put("budget", per_voter_budget.clone());
            put("runs", runs.to_string());
            put("reason", tr(lang, &format!("explain.add1_reason.{}", reason.replace(' ', "_")), &BTreeMap::new()));
            "explain.add1"
        }
    };
    tr(lang, key, &p)
}

/// A decimal as the reader writes it: `2.500000` reads `2,50` in Dutch and
/// `2.50` in English (trailing zeros beyond two decimals dropped; the exact
/// value stays in the results).
pub fn decimal_for(s: &str, lang: Lang) -> String {
    let Some((int, frac)) = s.split_once('.') else { return s.to_string() };
    let mut frac = frac.trim_end_matches('0').to_string();
    while frac.len() < 2 {
        frac.push('0');
    }
    match lang {
        Lang::Nl => format!("{int},{frac}"),
        Lang::En => format!("{int}.{frac}"),
    }
}

pub fn render_tie(tie: &crate::rules::Tie, lang: Lang) -> String {
    let mut p = BTreeMap::new();
    let at = match &tie.at {
        crate::rules::TieAt::MesRound { round } => {
            let mut q = BTreeMap::new();
            q.insert("round".to_string(), round.to_string());
            tr(lang, "explain.tie_at_round", &q)
        }
        crate::rules::TieAt::GreedyScore { score } => {
            let mut q = BTreeMap::new();
            q.insert("score".to_string(), decimal_for(score, lang));
            tr(lang, "explain.tie_at_score", &q)
        }
    };
    p.insert("context".to_string(), at);
    p.insert("order".to_string(), tie.order.join(" > "));
    p.insert("method".to_string(), tie_break(&tie.method, lang));
    tr(lang, "explain.tie", &p)
}
