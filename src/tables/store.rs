//! The gesprekstafels' SQL: settings, tables, verdicts, drop-outs, and the
//! overview read from them.

use super::*;
use crate::storage::store::Db;

impl Store {
    pub fn set_table_settings(&mut self, operator: &str, selection_id: i64, s: &TableSettings) -> Result<(), Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            tables_selection(st.db(), selection_id)?;
            let ok = s.min_participants >= 1
                && s.min_participants <= s.max_participants
                && s.max_participants <= 50
                && !matches!(s.format, VerdictFormat::Points { per_participant } if per_participant == 0 || per_participant > 100);
            if !ok {
                return Err(p("tables.bad_settings").into());
            }
            let entered: i64 = st
                .conn()
                .query_row("SELECT count(*) FROM table_verdict WHERE selection_id = ?1", [selection_id], |r| r.get(0))
                .map_err(|e| st.sql_err(e))?;
            if entered > 0 && table_settings(st.db(), selection_id)?.as_ref() != Some(s) {
                return Err(p("tables.settings_locked").into());
            }
            let text = serde_json::to_string(s).expect("serialises");
            c.tx.execute("UPDATE selection SET table_format = ?1 WHERE id = ?2", params![text, selection_id])
                .map_err(|e| c.err(e))?;
            c.record(crate::tables::TablesEvent::TablesSettings { selection: selection_id, settings: s })?;
            Ok::<_, Failure>(())
        })?;
        Ok(())
    }

    pub fn add_table(&mut self, operator: &str, selection_id: i64, input: &TableInput) -> Result<TableView, Failure> {
        // The checks read inside the write's transaction.
        let id = self.write_open_with(operator, selection_id, |st, c| {
            tables_selection(st.db(), selection_id)?;
            use crate::selection::{check_free_text, MAX_SHORT};
            let name = check_free_text(&input.name, "name", MAX_SHORT, true)?;
            let name = name.as_str();
            let facilitator = check_free_text(&input.facilitator, "facilitator", MAX_SHORT, false)?;
            let location = check_free_text(&input.location, "location", MAX_SHORT, false)?;
            if input.round == 0 || input.round > 50 {
                return Err(p("tables.bad_table").into());
            }
            // Rounds follow each other: a table for round 3 needs one in round 2.
            let last_round = tables(st.db(), selection_id)?.iter().map(|t| t.round).max().unwrap_or(0);
            if input.round > last_round + 1 {
                return Err(p("tables.round_gap").with("round", input.round).with("next", last_round + 1).into());
            }
            // A round a drop-out was decided on is complete: no table joins it later
            // (the drop would no longer follow from its verdicts).
            if let Some(after) = table_drops(st.db(), selection_id)?.iter().map(|d| d.0).max() {
                if input.round <= after {
                    return Err(p("tables.round_decided").with("round", input.round).with("after", after).into());
                }
            }
            let all: Vec<String> = crate::selection::list_plans(st.db(), selection_id)?.into_iter().map(|x| x.code).collect();
            let dropped = dropped_before(st.db(), selection_id, input.round)?;
            let mut plans: Vec<String> = if input.plans.is_empty() {
                all.iter().filter(|c| !dropped.contains(c)).cloned().collect()
            } else {
                input.plans.clone()
            };
            plans.sort();
            plans.dedup();
            for c in &plans {
                if !all.contains(c) {
                    return Err(p("tables.unknown_plan").with("code", c).into());
                }
                if dropped.contains(c) {
                    return Err(p("tables.plan_dropped").with("code", c).into());
                }
            }
            if plans.is_empty() {
                return Err(p("paper.no_plans").into());
            }
            let taken: i64 = st
                .conn()
                .query_row(
                    "SELECT count(*) FROM conv_table WHERE selection_id = ?1 AND round = ?2 AND name = ?3",
                    params![selection_id, input.round, name],
                    |r| r.get(0),
                )
                .map_err(|e| st.sql_err(e))?;
            if taken > 0 {
                return Err(p("tables.name_taken").with("table", name).with("round", input.round).into());
            }
            c.tx.execute(
                "INSERT INTO conv_table (selection_id, round, name, facilitator, location, plans) VALUES (?1,?2,?3,?4,?5,?6)",
                params![selection_id, input.round, name, facilitator, location, serde_json::to_string(&plans).expect("plain data serialises")],
            )
            .map_err(|e| c.err(e))?;
            let id = c.tx.last_insert_rowid();
            c.record(crate::tables::TablesEvent::TablesAdd { selection: selection_id, id, input })?;
            Ok::<_, Failure>(id)
        })?;
        tables(self.db(), selection_id)?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| StoreError::NotFound { what: "table", id: id.to_string() }.into())
    }

    /// Enter a table's verdict. Every check comes before anything is written.
    pub fn enter_verdict(
        &mut self,
        operator: &str,
        selection_id: i64,
        table_id: i64,
        v: &VerdictInput,
    ) -> Result<TableView, Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            tables_selection(st.db(), selection_id)?;
            let settings =
                table_settings(st.db(), selection_id)?.ok_or_else(|| Failure::from(p("tables.no_settings")))?;
            let t = tables(st.db(), selection_id)?
                .into_iter()
                .find(|t| t.id == table_id)
                .ok_or_else(|| Failure::from(p("tables.unknown_table").with("table", table_id)))?;
            if t.verdict.is_some() {
                let at: Option<String> = st
                    .conn()
                    .query_row(
                        "SELECT at FROM table_verdict WHERE table_id = ?1 AND status = 'active'",
                        [table_id],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(|e| st.sql_err(e))?;
                return Err(p("tables.already_entered")
                    .with("table", &t.name)
                    .with("round", t.round)
                    .with("who", t.entered_by.unwrap_or_default())
                    .with("at", crate::clock::belgian_hhmm(&at.unwrap_or_default()))
                    .into());
            }
            let mut problems = Vec::new();
            if v.participants < settings.min_participants || v.participants > settings.max_participants {
                problems.push(
                    p("tables.participants")
                        .with("min", settings.min_participants)
                        .with("max", settings.max_participants)
                        .with("given", v.participants),
                );
            }
            let mut seen = std::collections::BTreeSet::new();
            for (c, _) in &v.values {
                if !t.plans.contains(c) {
                    problems.push(p("tables.plan_not_discussed").with("code", c).with("table", &t.name));
                } else if !seen.insert(c.clone()) {
                    problems.push(p("ballot.plan_twice").with("code", c));
                }
            }
            for c in t.plans.iter().filter(|c| !seen.contains(*c)) {
                problems.push(p("tables.plan_missing").with("code", c));
            }
            // Conditions belong to "support with conditions", one per plan the table discussed.
            let mut with_condition = std::collections::BTreeSet::new();
            for (c, text) in &v.conditions {
                if !matches!(settings.format, VerdictFormat::Support) {
                    problems.push(p("tables.conditions_support_only"));
                    break;
                }
                if !t.plans.contains(c) {
                    problems.push(p("tables.plan_not_discussed").with("code", c).with("table", &t.name));
                } else if !with_condition.insert(c.clone()) {
                    problems.push(p("tables.condition_twice").with("code", c));
                }
                if let Err(f) = crate::selection::check_free_text(text, "condition", crate::selection::MAX_TITLE, false)
                {
                    problems.extend(f.problems);
                }
            }
            if let Err(f) =
                crate::selection::check_free_text(&v.notes, "notes", crate::selection::MAX_DESCRIPTION, false)
            {
                problems.extend(f.problems);
            }
            if problems.is_empty() {
                match &settings.format {
                    VerdictFormat::Points { per_participant } => {
                        let sum: u64 = v.values.iter().map(|(_, x)| *x as u64).sum();
                        let want = *per_participant as u64 * v.participants as u64;
                        if sum != want {
                            problems.push(
                                p("tables.points_sum")
                                    .with("sum", sum)
                                    .with("expected", want)
                                    .with("participants", v.participants)
                                    .with("per", per_participant),
                            );
                        }
                    }
                    VerdictFormat::Ranking => {
                        let mut ranks: Vec<u32> = v.values.iter().map(|(_, x)| *x).collect();
                        ranks.sort();
                        if ranks.iter().enumerate().any(|(i, r)| *r != i as u32 + 1) {
                            problems.push(p("tables.ranks").with("count", ranks.len()));
                        }
                    }
                    VerdictFormat::Support => {
                        for (c, x) in &v.values {
                            if *x > 2 {
                                problems.push(p("tables.support_level").with("code", c));
                            } else if *x == 1
                                && !v.conditions.iter().any(|(cc, text)| cc == c && !text.trim().is_empty())
                            {
                                problems.push(p("tables.conditions_missing").with("code", c));
                            }
                        }
                    }
                }
            }
            if problems.is_empty() && !v.rows.is_empty() {
                match &settings.format {
                    VerdictFormat::Points { per_participant } => {
                        if v.rows.len() != v.participants as usize {
                            problems.push(
                                p("tables.rows_count").with("rows", v.rows.len()).with("participants", v.participants),
                            );
                        }
                        for (i, row) in v.rows.iter().enumerate() {
                            let sum: u64 = row.iter().map(|(_, x)| *x as u64).sum();
                            if sum != *per_participant as u64 || row.iter().any(|(c, _)| !t.plans.contains(c)) {
                                problems.push(
                                    p("tables.row_sum")
                                        .with("row", i + 1)
                                        .with("sum", sum)
                                        .with("per", per_participant),
                                );
                            }
                        }
                        for (c, total) in &v.values {
                            let col: u64 = v
                                .rows
                                .iter()
                                .flat_map(|r| r.iter())
                                .filter(|(rc, _)| rc == c)
                                .map(|(_, x)| *x as u64)
                                .sum();
                            if col != *total as u64 {
                                problems.push(
                                    p("tables.rows_total").with("code", c).with("rows", col).with("total", total),
                                );
                            }
                        }
                    }
                    _ => problems.push(p("tables.rows_points_only")),
                }
            }
            if !problems.is_empty() {
                return Err(Failure { problems });
            }
            let text = serde_json::to_string(v).expect("serialises");
            c.tx.execute(
                "INSERT INTO table_verdict (table_id, selection_id, verdict, operator, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![table_id, selection_id, text, operator, c.at.clone()],
            )
            .map_err(|e| c.err(e))?;
            c.record(crate::tables::TablesEvent::TablesVerdict {
                selection: selection_id,
                table: table_id,
                verdict: v,
            })?;
            Ok::<_, Failure>(())
        })?;
        Ok(tables(self.db(), selection_id)?.into_iter().find(|x| x.id == table_id).expect("just written"))
    }

    /// The moderator confirms: these plans drop out after `after_round`.
    pub fn confirm_drop(
        &mut self,
        operator: &str,
        selection_id: i64,
        after_round: u32,
        threshold: &str,
    ) -> Result<Vec<String>, Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            // One decision per round, in order, before the next round's tables
            // are set up (they list the plans still in).
            if let Some(last) = table_drops(st.db(), selection_id)?.iter().map(|d| d.0).max() {
                if after_round <= last {
                    return Err(p("tables.already_dropped").with("round", after_round).with("last", last).into());
                }
            }
            let tables = tables(st.db(), selection_id)?;
            if let Some(later) = tables.iter().map(|t| t.round).filter(|r| *r > after_round).min() {
                return Err(p("tables.later_tables").with("round", after_round).with("later", later).into());
            }
            // Plans drop out on complete rounds only: the drop must follow from
            // verdicts that never change (the bundle's verifier recomputes it).
            let missing: Vec<String> =
                tables.into_iter().filter(|t| t.round <= after_round && t.verdict.is_none()).map(|t| t.name).collect();
            if !missing.is_empty() {
                return Err(p("tables.drop_incomplete")
                    .with("round", after_round)
                    .with("tables", missing.join(", "))
                    .into());
            }
            let codes = drop_preview(st.db(), selection_id, after_round, threshold)?;
            c.tx.execute(
                "INSERT INTO table_drop (selection_id, after_round, threshold, codes, operator, at) VALUES (?1,?2,?3,?4,?5,?6)",
                params![selection_id, after_round, threshold.trim(), serde_json::to_string(&codes).expect("plain data serialises"), operator, c.at.clone()],
            )
            .map_err(|e| c.err(e))?;
            c.record(crate::tables::TablesEvent::TablesDrop { selection: selection_id, after_round, threshold: threshold.trim(), codes: &codes })?;
            Ok::<_, Failure>(codes)
        })
    }

    /// All tables entered: the result is final and can be signed.
    pub fn close_tables(&mut self, operator: &str, selection_id: i64) -> Result<(), Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            // Not while a demo coordinator's PIN is public (`demo_pins_block`).
            crate::roster::demo_pins_block(st.db(), selection_id)?;
            tables_selection(st.db(), selection_id)?;
            let tables = tables(st.db(), selection_id)?;
            if tables.is_empty() {
                return Err(p("tables.none_yet").into());
            }
            let missing: Vec<String> =
                tables.iter().filter(|t| t.verdict.is_none()).map(|t| format!("{} ({})", t.name, t.round)).collect();
            if !missing.is_empty() {
                return Err(p("tables.not_complete").with("tables", missing.join(", ")).into());
            }
            c.tx.execute("UPDATE selection SET status = 'closed' WHERE id = ?1", [selection_id])
                .map_err(|e| c.err(e))?;
            c.record(crate::tables::TablesEvent::TablesClose { selection: selection_id, tables: tables.len() })?;
            Ok::<_, Failure>(())
        })?;
        Ok(())
    }
}

fn tables_selection(db: Db<'_>, selection_id: i64) -> Result<crate::selection::Selection, Failure> {
    let sel = crate::selection::read(db, selection_id)?;
    if sel.method != Method::Tables {
        return Err(p("tables.not_tables").into());
    }
    Ok(sel)
}

pub fn table_settings(db: Db<'_>, selection_id: i64) -> Result<Option<TableSettings>, Failure> {
    tables_selection(db, selection_id)?;
    Ok(db
        .conn
        .query_row("SELECT table_format FROM selection WHERE id = ?1", [selection_id], |r| {
            r.get::<_, Option<String>>(0)
        })
        .map_err(|e| db.err(e))?
        .and_then(|s| serde_json::from_str(&s).ok()))
}

/// Plans that dropped out after a round before `round`.
fn dropped_before(db: Db<'_>, selection_id: i64, round: u32) -> Result<Vec<String>, Failure> {
    Ok(table_drops(db, selection_id)?.into_iter().filter(|d| d.0 < round).flat_map(|d| d.2).collect())
}

pub fn tables(db: Db<'_>, selection_id: i64) -> Result<Vec<TableView>, Failure> {
    let mut stmt = db
        .conn
        .prepare(
            "SELECT t.id, t.round, t.name, t.facilitator, t.location, t.plans, v.verdict, v.operator FROM conv_table t \
             LEFT JOIN table_verdict v ON v.table_id = t.id AND v.status = 'active' WHERE t.selection_id = ?1 ORDER BY t.round, t.id",
        )
        .map_err(|e| db.err(e))?;
    let rows = stmt
        .query_map([selection_id], |r| {
            let plans: String = r.get(5)?;
            let verdict: Option<String> = r.get(6)?;
            let id: i64 = r.get(0)?;
            Ok(TableView {
                id,
                round: r.get(1)?,
                name: r.get(2)?,
                facilitator: r.get(3)?,
                location: r.get(4)?,
                plans: serde_json::from_str(&plans).unwrap_or_default(),
                verdict: verdict.and_then(|v| serde_json::from_str(&v).ok()),
                entered_by: r.get(7)?,
                qr: table_payload(selection_id, id),
            })
        })
        .map_err(|e| db.err(e))?;
    Ok(rows.collect::<Result<_, _>>().map_err(|e| db.err(e))?)
}

/// Which plans a threshold would drop after a round (a preview for the moderator).
pub fn drop_preview(db: Db<'_>, selection_id: i64, after_round: u32, threshold: &str) -> Result<Vec<String>, Failure> {
    let t =
        parse_threshold(threshold).ok_or_else(|| Failure::from(p("tables.bad_threshold").with("value", threshold)))?;
    let tables = tables(db, selection_id)?;
    if !tables.iter().any(|t| t.round == after_round) {
        return Err(p("tables.no_round").with("round", after_round).into());
    }
    let (o, scores) = overview_scored(db, selection_id, Some(after_round), Lang::Nl)?;
    let dropped: Vec<String> =
        o.ranking.iter().zip(&scores).filter(|(r, s)| !r.dropped && **s < t).map(|(r, _)| r.code.clone()).collect();
    if !dropped.is_empty() && o.ranking.iter().filter(|r| !r.dropped).count() == dropped.len() {
        return Err(p("tables.drop_all").with("round", after_round).into());
    }
    Ok(dropped)
}

pub fn tables_overview(db: Db<'_>, selection_id: i64, lang: Lang) -> Result<TablesOverview, Failure> {
    Ok(overview_scored(db, selection_id, None, lang)?.0)
}

/// The overview of the rounds up to `upto`, with each ranked plan's exact
/// score beside it (in ranking order).
fn overview_scored(
    db: Db<'_>,
    selection_id: i64,
    upto: Option<u32>,
    lang: Lang,
) -> Result<(TablesOverview, Vec<BigRational>), Failure> {
    let sel = tables_selection(db, selection_id)?;
    let settings = table_settings(db, selection_id)?.ok_or_else(|| Failure::from(p("tables.no_settings")))?;
    let plans = crate::selection::list_plans(db, selection_id)?;
    let tables: Vec<TableView> =
        tables(db, selection_id)?.into_iter().filter(|t| upto.is_none_or(|u| t.round <= u)).collect();
    let max_round = tables.iter().map(|t| t.round).max().unwrap_or(0);
    let drops = table_drops(db, selection_id)?;
    let dropped: Vec<String> = drops.iter().flat_map(|d| d.2.clone()).collect();
    let rounds = (1..=max_round)
        .map(|r| RoundView {
            round: r,
            tables: tables.iter().filter(|t| t.round == r).map(|t| t.name.clone()).collect(),
            missing: tables.iter().filter(|t| t.round == r && t.verdict.is_none()).map(|t| t.name.clone()).collect(),
            dropped: drops.iter().filter(|d| d.0 == r).flat_map(|d| d.2.clone()).collect(),
        })
        .collect();
    let entered: Vec<Entered> = tables
        .iter()
        .filter_map(|t| t.verdict.as_ref().map(|v| Entered { participants: v.participants, values: &v.values }))
        .collect();
    let participants = entered.iter().map(|e| e.participants as u64).sum();
    let scores = combine(&settings.format, &entered);
    let costs: Vec<(String, i64)> = plans.iter().map(|x| (x.code.clone(), x.cost_cents)).collect();
    let tb = TieBreak::Lexicographic;
    let (e, outcome) = package(sel.budget_cents, &costs, &scores, &dropped, &tb);
    let funded: Vec<&str> = outcome.ids(&e);
    let verdicts: Vec<&VerdictInput> = tables.iter().filter_map(|t| t.verdict.as_ref()).collect();
    let mes_funded = match settings.format {
        VerdictFormat::Points { .. } => mes_over_rows(sel.budget_cents, &costs, &verdicts, &dropped, &tb),
        _ => None,
    };
    let mut ranked: Vec<(BigRational, RankedPlan)> = plans
        .iter()
        .map(|x| {
            let s = scores.get(&x.code).cloned().unwrap_or_else(BigRational::zero);
            let plan = RankedPlan {
                code: x.code.clone(),
                title: x.title.clone(),
                cost_cents: x.cost_cents,
                score: s.to_string(),
                score_text: crate::explain::decimal_for(&rules::decimal(&s, 2), lang),
                dropped: dropped.contains(&x.code),
                fits: false,
                funded: funded.contains(&x.code.as_str()),
            };
            (s, plan)
        })
        .collect();
    ranked.sort_by(|(sa, a), (sb, b)| sb.cmp(sa).then(a.dropped.cmp(&b.dropped)).then(a.code.cmp(&b.code)));
    let mut left = sel.budget_cents;
    for (s, r) in ranked.iter_mut().filter(|(_, r)| !r.dropped) {
        if r.cost_cents <= left && *s > BigRational::zero() {
            r.fits = true;
            left -= r.cost_cents;
        }
    }
    let (exact, ranking): (Vec<BigRational>, Vec<RankedPlan>) = ranked.into_iter().unzip();
    let overview = TablesOverview {
        rounds,
        ranking,
        budget_cents: sel.budget_cents,
        funded_cost_cents: outcome.total_cost,
        explanation: outcome.steps.iter().map(|s| crate::explain::render_euro(&e, s, lang)).collect(),
        ties: outcome.ties.iter().map(|t| crate::explain::render_tie(t, lang)).collect(),
        participants,
        mes_funded,
    };
    Ok((overview, exact))
}

/// The drops confirmed so far: (after round, threshold, codes).
pub fn table_drops(db: Db<'_>, selection_id: i64) -> Result<Vec<(u32, String, Vec<String>)>, Failure> {
    let mut stmt = db
        .conn
        .prepare("SELECT after_round, threshold, codes FROM table_drop WHERE selection_id = ?1 ORDER BY id")
        .map_err(|e| db.err(e))?;
    let rows = stmt
        .query_map([selection_id], |r| {
            Ok((r.get(0)?, r.get(1)?, serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or_default()))
        })
        .map_err(|e| db.err(e))?;
    Ok(rows.collect::<Result<_, _>>().map_err(|e| db.err(e))?)
}
