//! Selections (one per wijk and edition) and their plans.

pub mod csv_import;
pub mod event;
pub use event::SelectionEvent;

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::money::{Cents, MAX_CENTS};
use crate::problem::Failure;
use crate::problem::{Problem, ToProblem};
use crate::storage::store::{Change, Db, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Gesprekstafels
    Tables,
    /// Offline stemmen (paper ballots)
    Ballots,
    /// Gelote wijkpanels
    Panel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Tables => "tables",
            Method::Ballots => "ballots",
            Method::Panel => "panel",
        }
    }
    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "tables" | "gesprekstafels" => Some(Method::Tables),
            "ballots" | "stemmen" | "paper" => Some(Method::Ballots),
            "panel" | "wijkpanel" => Some(Method::Panel),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Open,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }
    fn parse(s: &str) -> Status {
        match s {
            "open" => Status::Open,
            "closed" => Status::Closed,
            _ => Status::Draft,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Selection {
    #[ts(type = "number")]
    pub id: i64,
    pub edition: String,
    pub wijk: String,
    #[ts(type = "number")]
    pub budget_cents: Cents,
    pub method: Method,
    pub status: Status,
    pub created_at: String,
    #[ts(type = "number")]
    pub plan_count: i64,
    #[ts(type = "number")]
    pub total_cost_cents: Cents,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SelectionInput {
    pub edition: String,
    pub wijk: String,
    #[ts(type = "number")]
    pub budget_cents: Cents,
    pub method: Method,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Plan {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub selection_id: i64,
    pub code: String,
    pub title: String,
    pub description: String,
    #[ts(type = "number")]
    pub cost_cents: Cents,
    pub initiator: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanInput {
    pub code: String,
    pub title: String,
    pub description: String,
    #[ts(type = "number")]
    pub cost_cents: Cents,
    pub initiator: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("field {0} is empty")]
    Empty(&'static str),
    #[error("field {field} is too long")]
    TooLong { field: &'static str, max: usize },
    #[error("amount out of range")]
    AmountOutOfRange,
    #[error("plan code {0} is already used")]
    CodeTaken(String),
    #[error("selection is closed")]
    Closed,
    #[error("the budget is zero")]
    BudgetZero,
    #[error("counting has started ({0})")]
    CountingStarted(String),
    #[error("field {field} holds a control or direction character")]
    BadChar { field: &'static str, code_point: u32 },
    #[error("plan code {0} holds other characters than letters, digits, - and _")]
    BadCode(String),
    #[error("demo: {0}")]
    Demo(String),
}

impl ToProblem for SelectionError {
    fn to_problem(&self) -> Problem {
        match self {
            SelectionError::Store(e) => e.to_problem(),
            SelectionError::Empty(f) => Problem::new("selection.empty").with("field", f),
            SelectionError::TooLong { field, max } => {
                Problem::new("selection.too_long").with("field", field).with("max", max)
            }
            SelectionError::AmountOutOfRange => Problem::new("selection.amount_out_of_range"),
            SelectionError::BudgetZero => Problem::new("selection.budget_zero"),
            SelectionError::CountingStarted(what) => Problem::new(&format!("selection.counting_started_{what}")),
            SelectionError::Demo(d) => Problem::new("store.sql").with("detail", d),
            SelectionError::CodeTaken(c) => Problem::new("selection.code_taken").with("code", c),
            SelectionError::Closed => Problem::new("selection.closed"),
            SelectionError::BadChar { field, code_point } => {
                Problem::new("selection.bad_char").with("field", field).with("char", format!("U+{code_point:04X}"))
            }
            SelectionError::BadCode(c) => Problem::new("selection.bad_code").with("code", c),
        }
    }
}

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 4000;
pub const MAX_SHORT: usize = 100;

/// Characters that have no place in a name, a title or a code: control
/// characters (a line break only in a description) and the invisible
/// format and direction marks that make text show other than it is stored
/// (U+202E shows a title reversed on the ballot).
pub(crate) fn forbidden(c: char, multi_line: bool) -> bool {
    (c.is_control() && !(multi_line && (c == '\n' || c == '\r' || c == '\t')))
        || matches!(c as u32,
            0x00AD | 0x061C | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064
            | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB)
}

/// A free text typed by someone (a name, a reason, a note) as every field
/// checks it: no control or direction characters (line breaks only in a
/// description or notes), trimmed, not empty when `required`, at most `max`.
pub fn check_free_text(value: &str, field: &'static str, max: usize, required: bool) -> Result<String, Failure> {
    check_text(value, field, max, required).map_err(Failure::from)
}

/// A character a code people type may hold (plan, panel member): letters,
/// digits, `-` and `_` (codes are written in marks like `MM01,MM03`, in
/// present lists and in pabulib vote lists).
pub fn code_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

fn check_text(value: &str, field: &'static str, max: usize, required: bool) -> Result<String, SelectionError> {
    if let Some(c) = value.chars().find(|&c| forbidden(c, matches!(field, "description" | "notes"))) {
        return Err(SelectionError::BadChar { field, code_point: c as u32 });
    }
    let v = value.trim();
    if required && v.is_empty() {
        return Err(SelectionError::Empty(field));
    }
    if v.chars().count() > max {
        return Err(SelectionError::TooLong { field, max });
    }
    Ok(v.to_string())
}

/// A plan code: letters, digits, `-` and `_` (it is typed at the entry
/// screen, written in marks like `MM01,MM03` and in pabulib vote lists).
fn check_code(value: &str) -> Result<String, SelectionError> {
    let v = check_text(value, "code", 20, true)?;
    if !v.chars().all(code_char) {
        return Err(SelectionError::BadCode(v));
    }
    Ok(v)
}

fn check_amount(c: Cents) -> Result<Cents, SelectionError> {
    if (0..=MAX_CENTS).contains(&c) {
        Ok(c)
    } else {
        Err(SelectionError::AmountOutOfRange)
    }
}

impl SelectionInput {
    pub fn validated(&self) -> Result<SelectionInput, SelectionError> {
        Ok(SelectionInput {
            edition: check_text(&self.edition, "edition", MAX_SHORT, true)?,
            wijk: check_text(&self.wijk, "wijk", MAX_SHORT, true)?,
            budget_cents: if self.budget_cents == 0 {
                return Err(SelectionError::BudgetZero);
            } else {
                check_amount(self.budget_cents)?
            },
            method: self.method,
        })
    }
}

impl PlanInput {
    pub fn validated(&self) -> Result<PlanInput, SelectionError> {
        Ok(PlanInput {
            code: check_code(&self.code)?,
            title: check_text(&self.title, "title", MAX_TITLE, true)?,
            description: check_text(&self.description, "description", MAX_DESCRIPTION, false)?,
            cost_cents: check_amount(self.cost_cents)?,
            initiator: check_text(&self.initiator, "initiator", MAX_SHORT, false)?,
        })
    }
}

const SELECTION_COLS: &str = "s.id, s.edition, s.wijk, s.budget_cents, s.method, s.status, s.created_at, \
     (SELECT count(*) FROM plan p WHERE p.selection_id = s.id), \
     (SELECT coalesce(sum(cost_cents),0) FROM plan p WHERE p.selection_id = s.id)";

fn row_to_selection(r: &Row<'_>) -> rusqlite::Result<Selection> {
    let method: String = r.get(4)?;
    let status: String = r.get(5)?;
    Ok(Selection {
        id: r.get(0)?,
        edition: r.get(1)?,
        wijk: r.get(2)?,
        budget_cents: r.get(3)?,
        method: Method::parse(&method).unwrap_or(Method::Ballots),
        status: Status::parse(&status),
        created_at: r.get(6)?,
        plan_count: r.get(7)?,
        total_cost_cents: r.get(8)?,
    })
}

fn row_to_plan(r: &Row<'_>) -> rusqlite::Result<Plan> {
    Ok(Plan {
        id: r.get(0)?,
        selection_id: r.get(1)?,
        code: r.get(2)?,
        title: r.get(3)?,
        description: r.get(4)?,
        cost_cents: r.get(5)?,
        initiator: r.get(6)?,
    })
}

const PLAN_COLS: &str = "id, selection_id, code, title, description, cost_cents, initiator";

pub(crate) fn get_selection_tx(c: &Change<'_>, id: i64) -> Result<Selection, StoreError> {
    read(c.db(), id)
}

/// One selection.
pub fn read(db: Db<'_>, id: i64) -> Result<Selection, StoreError> {
    db.conn
        .query_row(&format!("SELECT {SELECTION_COLS} FROM selection s WHERE s.id = ?1"), [id], row_to_selection)
        .optional()
        .map_err(|e| db.err(e))?
        .ok_or(StoreError::NotFound { what: "selection", id: id.to_string() })
}

/// A selection's plans, by code (none for a selection that does not exist:
/// `Store::list_plans` says it is not found; a write's `write_open` has).
pub fn plans(db: Db<'_>, selection_id: i64) -> Result<Vec<Plan>, StoreError> {
    let mut stmt = db
        .conn
        .prepare_cached(&format!("SELECT {PLAN_COLS} FROM plan WHERE selection_id = ?1 ORDER BY code, id"))
        .map_err(|e| db.err(e))?;
    let rows = stmt.query_map([selection_id], row_to_plan).map_err(|e| db.err(e))?;
    rows.collect::<Result<_, _>>().map_err(|e| db.err(e))
}

fn get_plan_tx(c: &Change<'_>, id: i64) -> Result<Plan, StoreError> {
    c.tx.query_row(&format!("SELECT {PLAN_COLS} FROM plan WHERE id = ?1"), [id], row_to_plan)
        .optional()
        .map_err(|e| c.err(e))?
        .ok_or(StoreError::NotFound { what: "plan", id: id.to_string() })
}

/// A selection's plans, budget and method are set up before anyone votes:
/// refused once closed, and once counting has started (ballots printed or
/// entered, a table added, a panel round opened), since the votes refer to
/// them. A panel changes plans between rounds through `panel amend`, with a
/// reason. Checked inside the write's transaction.
pub(crate) fn ensure_editable(c: &Change<'_>, s: &Selection) -> Result<(), SelectionError> {
    if s.status == Status::Closed {
        return Err(SelectionError::Closed);
    }
    let started: Option<String> =
        c.tx.query_row(
            "SELECT CASE
                WHEN EXISTS (SELECT 1 FROM ballot WHERE selection_id = ?1) THEN 'ballots'
                WHEN EXISTS (SELECT 1 FROM conv_table WHERE selection_id = ?1) THEN 'tables'
                WHEN EXISTS (SELECT 1 FROM panel_round WHERE selection_id = ?1) THEN 'panel'
             END",
            [s.id],
            |r| r.get(0),
        )
        .map_err(|e| c.err(e))?;
    match started {
        Some(what) => Err(SelectionError::CountingStarted(what)),
        None => Ok(()),
    }
}

/// Codes are told apart as people read them: "a1" and "A1" are one code.
fn code_taken(c: &Change<'_>, selection_id: i64, code: &str, except: Option<i64>) -> Result<bool, SelectionError> {
    c.tx.query_row(
        "SELECT count(*) FROM plan WHERE selection_id = ?1 AND lower(code) = lower(?2) AND id <> ?3",
        params![selection_id, code, except.unwrap_or(-1)],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
    .map_err(|e| c.err(e).into())
}

/// Insert one plan inside an open change; used by single adds and CSV import.
pub(crate) fn insert_plan(c: &mut Change<'_>, selection_id: i64, p: &PlanInput) -> Result<Plan, SelectionError> {
    if code_taken(c, selection_id, &p.code, None)? {
        return Err(SelectionError::CodeTaken(p.code.clone()));
    }
    c.tx.execute(
        "INSERT INTO plan (selection_id, code, title, description, cost_cents, initiator) VALUES (?1,?2,?3,?4,?5,?6)",
        params![selection_id, p.code, p.title, p.description, p.cost_cents, p.initiator],
    )
    .map_err(|e| c.err(e))?;
    let plan = get_plan_tx(c, c.tx.last_insert_rowid())?;
    c.record(crate::selection::SelectionEvent::PlanAdd { plan: &plan })?;
    Ok(plan)
}

impl Store {
    pub fn create_selection(&mut self, operator: &str, input: &SelectionInput) -> Result<Selection, SelectionError> {
        let v = input.validated()?;
        self.write(operator, |c| {
            c.tx.execute(
                "INSERT INTO selection (edition, wijk, budget_cents, method, status, created_at) VALUES (?1,?2,?3,?4,'draft',?5)",
                params![v.edition, v.wijk, v.budget_cents, v.method.as_str(), c.at.clone()],
            )
            .map_err(|e| c.err(e))?;
            let s = get_selection_tx(c, c.tx.last_insert_rowid())?;
            c.record(crate::selection::SelectionEvent::SelectionCreate { selection: &s })?;
            Ok(s)
        })
    }

    pub fn update_selection(
        &mut self,
        operator: &str,
        id: i64,
        input: &SelectionInput,
    ) -> Result<Selection, SelectionError> {
        let v = input.validated()?;
        self.write(operator, |c| {
            let before = get_selection_tx(c, id)?;
            ensure_editable(c, &before)?;
            c.tx.execute(
                "UPDATE selection SET edition = ?1, wijk = ?2, budget_cents = ?3, method = ?4 WHERE id = ?5",
                params![v.edition, v.wijk, v.budget_cents, v.method.as_str(), id],
            )
            .map_err(|e| c.err(e))?;
            let after = get_selection_tx(c, id)?;
            c.record(crate::selection::SelectionEvent::SelectionUpdate { before: &before, after: &after })?;
            Ok(after)
        })
    }

    pub fn add_plan(&mut self, operator: &str, selection_id: i64, input: &PlanInput) -> Result<Plan, SelectionError> {
        let v = input.validated()?;
        self.write(operator, |c| {
            ensure_editable(c, &get_selection_tx(c, selection_id)?)?;
            insert_plan(c, selection_id, &v)
        })
    }

    pub fn update_plan(&mut self, operator: &str, plan_id: i64, input: &PlanInput) -> Result<Plan, SelectionError> {
        let v = input.validated()?;
        self.write(operator, |c| {
            let before = get_plan_tx(c, plan_id)?;
            ensure_editable(c, &get_selection_tx(c, before.selection_id)?)?;
            if code_taken(c, before.selection_id, &v.code, Some(plan_id))? {
                return Err(SelectionError::CodeTaken(v.code.clone()));
            }
            c.tx.execute(
                "UPDATE plan SET code = ?1, title = ?2, description = ?3, cost_cents = ?4, initiator = ?5 WHERE id = ?6",
                params![v.code, v.title, v.description, v.cost_cents, v.initiator, plan_id],
            )
            .map_err(|e| c.err(e))?;
            let after = get_plan_tx(c, plan_id)?;
            c.record(crate::selection::SelectionEvent::PlanUpdate { before: &before, after: &after })?;
            Ok(after)
        })
    }

    pub fn remove_plan(&mut self, operator: &str, plan_id: i64) -> Result<(), SelectionError> {
        self.write(operator, |c| {
            let before = get_plan_tx(c, plan_id)?;
            ensure_editable(c, &get_selection_tx(c, before.selection_id)?)?;
            c.tx.execute("DELETE FROM plan WHERE id = ?1", [plan_id]).map_err(|e| c.err(e))?;
            c.record(crate::selection::SelectionEvent::PlanRemove { before: &before })?;
            Ok(())
        })
    }
}

pub fn list_selections(db: Db<'_>) -> Result<Vec<Selection>, StoreError> {
    let mut stmt = db
        .conn
        .prepare(&format!("SELECT {SELECTION_COLS} FROM selection s ORDER BY s.edition, s.wijk, s.id"))
        .map_err(|e| db.err(e))?;
    let rows = stmt.query_map([], row_to_selection).map_err(|e| db.err(e))?;
    rows.collect::<Result<_, _>>().map_err(|e| db.err(e))
}

pub fn list_plans(db: Db<'_>, selection_id: i64) -> Result<Vec<Plan>, StoreError> {
    read(db, selection_id)?;
    plans(db, selection_id)
}
