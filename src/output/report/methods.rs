//! The report's content for gesprekstafels and gelote wijkpanels, computed
//! from what the bundle holds, like `compute` for paper ballots. Pure.

use super::*;

/// A confirmed drop-out between rounds: after which round, the threshold, the plans.
pub type Drop = (u32, String, Vec<String>);

/// The report of a gesprekstafels selection from its tables and drop-outs. Pure.
pub fn compute_tables(
    def: &SelectionDef,
    tables: &[crate::tables::TableView],
    drops: &[Drop],
) -> Result<ReportData, String> {
    use crate::tables::{combine, package, Entered, VerdictFormat};
    let lang = Lang::from_code(&def.lang);
    let settings = def.tables.as_ref().ok_or("no verdict format")?;
    let entered: Vec<Entered> = tables
        .iter()
        .filter_map(|t| t.verdict.as_ref().map(|v| Entered { participants: v.participants, values: &v.values }))
        .collect();
    if entered.len() != tables.len() {
        return Err("a table has no verdict".into());
    }
    let scores = combine(&settings.format, &entered);
    // Each drop-out must follow from the verdicts of its rounds: recomputed,
    // not taken on trust (a verdict edited for the drop and put back after
    // is found here, by the export and by the bundle's verifier).
    let zero_score = num_rational::BigRational::from_integer(0.into());
    for (k, (after, threshold, codes)) in drops.iter().enumerate() {
        let t = crate::tables::parse_threshold(threshold).ok_or_else(|| format!("threshold {threshold}"))?;
        let upto: Vec<Entered> = tables
            .iter()
            .filter(|x| x.round <= *after)
            .filter_map(|x| x.verdict.as_ref().map(|v| Entered { participants: v.participants, values: &v.values }))
            .collect();
        let s = combine(&settings.format, &upto);
        let before: Vec<&String> = drops[..k].iter().flat_map(|d| &d.2).collect();
        let mut want: Vec<&String> = def
            .plans
            .iter()
            .map(|p| &p.code)
            .filter(|c| !before.contains(c) && s.get(*c).unwrap_or(&zero_score) < &t)
            .collect();
        let mut have: Vec<&String> = codes.iter().collect();
        want.sort();
        have.sort();
        if want != have {
            return Err(format!(
                "drop after round {after} (threshold {threshold}): recorded {have:?}, the verdicts give {want:?}"
            ));
        }
    }
    let dropped: Vec<String> = drops.iter().flat_map(|d| d.2.clone()).collect();
    let costs: Vec<(String, i64)> = def.plans.iter().map(|p| (p.code.clone(), p.cost_cents)).collect();
    let tb = def.tie_break();
    let (e, outcome) = package(def.budget_cents, &costs, &scores, &dropped, &tb);
    let funded_ids: Vec<&str> = outcome.ids(&e);
    let zero = num_rational::BigRational::from_integer(0.into());
    let mut rows: Vec<(num_rational::BigRational, ReportPlan)> = def
        .plans
        .iter()
        .map(|p| {
            let s = scores.get(&p.code).cloned().unwrap_or_else(|| zero.clone());
            let hundredths = (&s * num_rational::BigRational::from_integer(100.into())).floor().to_integer();
            let plan = ReportPlan {
                code: p.code.clone(),
                title: p.title.clone(),
                score_text: Some(if dropped.contains(&p.code) {
                    format!(
                        "{} ({})",
                        explain::decimal_for(&rules::decimal(&s, 2), lang),
                        t(lang, "tablesui.dropped_short")
                    )
                } else {
                    explain::decimal_for(&rules::decimal(&s, 2), lang)
                }),
                cost_cents: p.cost_cents,
                votes: tables.iter().filter(|t| t.plans.contains(&p.code)).count() as u64,
                points: hundredths.try_into().unwrap_or(0),
                online: None,
                funded: funded_ids.contains(&p.code.as_str()),
            };
            (s, plan)
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.code.cmp(&b.1.code)));
    let mut funded: Vec<String> = funded_ids.iter().map(|s| s.to_string()).collect();
    funded.sort();
    let rounds = tables.iter().map(|t| t.round).max().unwrap_or(0);
    let participants: u64 = tables.iter().filter_map(|t| t.verdict.as_ref()).map(|v| v.participants as u64).sum();
    let mut notes = Vec::new();
    for (after, threshold, codes) in drops {
        let mut m = std::collections::BTreeMap::new();
        m.insert("round".to_string(), after.to_string());
        m.insert("threshold".to_string(), threshold.clone());
        m.insert("codes".to_string(), if codes.is_empty() { "—".into() } else { codes.join(", ") });
        notes.push(tr(lang, "report.note_drop", &m));
    }
    for tv in tables {
        if let Some(v) = &tv.verdict {
            for (code, cond) in &v.conditions {
                let mut m = std::collections::BTreeMap::new();
                m.insert("round".to_string(), tv.round.to_string());
                m.insert("table".to_string(), tv.name.clone());
                m.insert("code".to_string(), code.clone());
                m.insert("conditions".to_string(), cond.clone());
                notes.push(tr(lang, "report.note_conditions", &m));
            }
        }
    }
    let format_text = match settings.format {
        VerdictFormat::Points { per_participant } => {
            tr(lang, "print.table_points", &[("per".to_string(), per_participant.to_string())].into_iter().collect())
        }
        VerdictFormat::Ranking => t(lang, "print.table_ranking"),
        VerdictFormat::Support => t(lang, "print.table_support"),
    };
    Ok(ReportData {
        format: REPORT_FORMAT.into(),
        lang: def.lang.clone(),
        selection_id: def.id,
        edition: def.edition.clone(),
        wijk: def.wijk.clone(),
        method: def.method.clone(),
        budget_cents: def.budget_cents,
        rule: "tables".into(),
        rule_text: t(lang, "tablesui.rule"),
        tie_break_text: explain::tie_break(&tb, lang),
        ballot_style: format_text,
        counts: vec![
            ("rounds".into(), rounds as u64),
            ("tables".into(), tables.len() as u64),
            ("participants".into(), participants),
        ],
        plans: rows.into_iter().map(|(_, p)| p).collect(),
        funded,
        funded_cost_cents: outcome.total_cost,
        budget_left_cents: def.budget_cents - outcome.total_cost,
        ties: outcome.ties.iter().map(|t| explain::render_tie(t, lang)).collect(),
        explanation: outcome.steps.iter().map(|s| explain::render_euro(&e, s, lang)).collect(),
        boxes: vec![],
        notes,
        count: def.count.clone(),
        box_counts: vec![],
    })
}

/// The report of a panel from its rounds (anonymous votes) and amendments. Pure.
pub fn compute_panel(
    def: &SelectionDef,
    rounds: &[crate::panel::RoundRecord],
    amendments: &[crate::panel::AmendmentRecord],
    draw: Option<&crate::panel::lot::DrawRecord>,
) -> Result<ReportData, String> {
    use crate::panel::{scores, RoundFormat};
    let lang = Lang::from_code(&def.lang);
    let last =
        rounds.iter().rev().find(|r| r.closed && r.format != RoundFormat::Consent).ok_or("no closed voting round")?;
    let gone: Vec<String> = amendments
        .iter()
        .flat_map(|a| (if a.withdraw { Some(a.plan.clone()) } else { None }).into_iter().chain(a.merge_from.clone()))
        .collect();
    let live: Vec<&PlanDef> = def.plans.iter().filter(|p| !gone.contains(&p.code)).collect();
    let sc = scores(&last.format, &last.votes);
    let costs: Vec<(String, i64)> = live.iter().map(|p| (p.code.clone(), p.cost_cents)).collect();
    let tb = def.tie_break();
    let (e, outcome) = crate::tables::package(def.budget_cents, &costs, &sc, &[], &tb);
    let funded_ids: Vec<&str> = outcome.ids(&e);
    let zero = num_rational::BigRational::from_integer(0.into());
    let mut plans: Vec<ReportPlan> = live
        .iter()
        .map(|p| {
            let s = sc.get(&p.code).cloned().unwrap_or_else(|| zero.clone());
            ReportPlan {
                code: p.code.clone(),
                title: p.title.clone(),
                score_text: None,
                cost_cents: p.cost_cents,
                votes: last.votes.iter().filter(|v| v.iter().any(|(c, x)| c == &p.code && *x > 0)).count() as u64,
                points: s.to_integer().try_into().unwrap_or(0),
                online: None,
                funded: funded_ids.contains(&p.code.as_str()),
            }
        })
        .collect();
    plans.sort_by(|a, b| b.points.cmp(&a.points).then(a.code.cmp(&b.code)));
    let mut funded: Vec<String> = funded_ids.iter().map(|s| s.to_string()).collect();
    funded.sort();
    let mut notes = Vec::new();
    if let Some(pick) = draw.and_then(|d| d.pick.as_ref().map(|p| (d, p))) {
        let (d, p) = pick;
        // Dice, or the public seed that gave the number.
        let how = |source: &str| match source.strip_prefix("seed:") {
            Some(seed) => tr(lang, "report.draw_seed", &[("seed".to_string(), seed.to_string())].into()),
            None => t(lang, "report.draw_dice"),
        };
        let mut m = std::collections::BTreeMap::new();
        m.insert("respondents".to_string(), d.chances.len().to_string());
        // As on the lottery table: 3 or 4 digits.
        let digits = d.lottery.saturating_sub(1).to_string().len().max(3);
        m.insert("number".to_string(), format!("{:0digits$}", p.number));
        let thousands = if lang == Lang::Nl { "." } else { "," };
        m.insert(
            "m".to_string(),
            match d.lottery {
                n if n >= 1000 => format!("{}{thousands}{:03}", n / 1000, n % 1000),
                n => n.to_string(),
            },
        );
        m.insert("how".to_string(), how(&p.source));
        m.insert(
            "min".to_string(),
            if lang == Lang::Nl { d.min_probability.replace('.', ",") } else { d.min_probability.clone() },
        );
        m.insert("count".to_string(), d.at_min.to_string());
        m.insert("hash".to_string(), d.table_sha256.clone());
        m.insert("members".to_string(), p.members.join(", "));
        notes.push(tr(lang, "report.note_draw", &m));
        for r in &d.replacements {
            let mut m = std::collections::BTreeMap::new();
            m.insert("member".to_string(), r.member.clone());
            m.insert("replacement".to_string(), r.replacement.clone());
            m.insert("number".to_string(), r.number.to_string());
            m.insert("candidates".to_string(), r.candidates.to_string());
            m.insert("how".to_string(), how(&r.source));
            notes.push(tr(lang, "report.note_replace", &m));
        }
    }
    for r in rounds {
        let mut m = std::collections::BTreeMap::new();
        m.insert("round".to_string(), r.no.to_string());
        m.insert("present".to_string(), r.present.to_string());
        m.insert(
            "votes".to_string(),
            if r.format == RoundFormat::Consent {
                (r.agreed as usize + r.objections.len()).to_string()
            } else {
                r.votes.len().to_string()
            },
        );
        notes.push(tr(lang, "report.note_round", &m));
        if let Some(q) = &r.quorum_note {
            m.insert("reason".to_string(), q.clone());
            notes.push(tr(lang, "report.note_quorum", &m));
        }
        if r.format == RoundFormat::Consent {
            m.insert("agreed".to_string(), r.agreed.to_string());
            m.insert(
                "objections".to_string(),
                if r.objections.is_empty() { "—".into() } else { r.objections.join("; ") },
            );
            notes.push(tr(lang, "report.note_consent", &m));
        }
    }
    for a in amendments {
        let mut m = std::collections::BTreeMap::new();
        m.insert("round".to_string(), a.after_round.to_string());
        m.insert("plan".to_string(), a.plan.clone());
        m.insert("reason".to_string(), a.reason.clone());
        let what = if a.withdraw {
            t(lang, "report.amend_withdraw")
        } else if let Some(mf) = &a.merge_from {
            format!("{} {mf}", t(lang, "report.amend_merge"))
        } else {
            t(lang, "report.amend_cost")
        };
        m.insert("what".to_string(), what);
        notes.push(tr(lang, "report.note_amend", &m));
    }
    let format_text = match last.format {
        RoundFormat::Points { per_member } => format!("{} ({per_member})", t(lang, "panelui.format_points")),
        RoundFormat::Approval { max } => format!("{} (≤ {max})", t(lang, "panelui.format_approval")),
        RoundFormat::Ranking => t(lang, "panelui.format_ranking"),
        RoundFormat::Consent => String::new(),
    };
    let participants = last.present as u64;
    Ok(ReportData {
        format: REPORT_FORMAT.into(),
        lang: def.lang.clone(),
        selection_id: def.id,
        edition: def.edition.clone(),
        wijk: def.wijk.clone(),
        method: def.method.clone(),
        budget_cents: def.budget_cents,
        rule: "panel".into(),
        rule_text: t(lang, "report.rule_panel"),
        tie_break_text: explain::tie_break(&tb, lang),
        ballot_style: format_text,
        counts: vec![
            ("rounds".into(), rounds.len() as u64),
            ("participants".into(), participants),
            ("panel_votes".into(), last.votes.len() as u64),
        ],
        plans,
        funded,
        funded_cost_cents: outcome.total_cost,
        budget_left_cents: def.budget_cents - outcome.total_cost,
        ties: outcome.ties.iter().map(|t| explain::render_tie(t, lang)).collect(),
        explanation: outcome.steps.iter().map(|s| explain::render_euro(&e, s, lang)).collect(),
        boxes: vec![],
        notes,
        count: def.count.clone(),
        box_counts: vec![],
    })
}
