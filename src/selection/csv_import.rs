//! Import plans from a CSV file: all rows or none.
//!
//! Spreadsheets in Flanders save with `;` and often with Dutch headers, so the
//! delimiter is detected from the header line and both header languages are
//! accepted. Every bad cell is reported (row and column), not just the first,
//! so a coordinator can fix the file in one go.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use ts_rs::TS;

use crate::money::parse_euro;
use crate::problem::{Problem, ToProblem};
use crate::selection::{insert_plan, PlanInput, SelectionError};
use crate::storage::store::{Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Col {
    Code,
    Title,
    Description,
    Cost,
    Initiator,
}

impl Col {
    fn name(self) -> &'static str {
        match self {
            Col::Code => "code",
            Col::Title => "title",
            Col::Description => "description",
            Col::Cost => "cost",
            Col::Initiator => "initiator",
        }
    }
    fn from_header(h: &str) -> Option<Col> {
        match h.trim().trim_start_matches('\u{feff}').to_lowercase().as_str() {
            "code" | "id" | "nummer" => Some(Col::Code),
            "title" | "titel" | "naam" | "name" => Some(Col::Title),
            "description" | "beschrijving" | "omschrijving" => Some(Col::Description),
            "cost" | "kosten" | "kostprijs" | "bedrag" | "budget" => Some(Col::Cost),
            "initiator" | "indiener" | "aanvrager" => Some(Col::Initiator),
            _ => None,
        }
    }
}

const REQUIRED: [Col; 3] = [Col::Code, Col::Title, Col::Cost];

#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not UTF-8 text")]
    NotText,
    #[error("missing column {0}")]
    MissingColumn(&'static str),
    #[error("column {0} appears twice")]
    DuplicateColumn(&'static str),
    #[error("{} problems in the file", .0.len())]
    Rows(Vec<Problem>),
    #[error(transparent)]
    Selection(#[from] SelectionError),
}

impl From<StoreError> for CsvError {
    fn from(e: StoreError) -> Self {
        CsvError::Selection(SelectionError::Store(e))
    }
}

impl CsvError {
    /// All problems, one per bad cell or row, for the user to fix.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            CsvError::Rows(v) => v.clone(),
            other => vec![other.to_problem()],
        }
    }
}

impl ToProblem for CsvError {
    fn to_problem(&self) -> Problem {
        match self {
            CsvError::Empty => Problem::new("csv.empty"),
            CsvError::NotText => Problem::new("csv.not_text"),
            CsvError::MissingColumn(c) => Problem::new("csv.missing_column").with("column", c),
            CsvError::DuplicateColumn(c) => Problem::new("csv.duplicate_column").with("column", c),
            CsvError::Rows(v) => Problem::new("csv.rows").with("count", v.len()),
            CsvError::Selection(e) => e.to_problem(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportReport {
    #[ts(type = "number")]
    pub imported: usize,
}

/// Parse and check a CSV file into plans, touching nothing.
pub fn parse_plans(bytes: &[u8]) -> Result<Vec<PlanInput>, CsvError> {
    let text = std::str::from_utf8(bytes).map_err(|_| CsvError::NotText)?;
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().find(|l| !l.trim().is_empty()).ok_or(CsvError::Empty)?;
    let delimiter =
        [b';', b',', b'\t'].into_iter().max_by_key(|d| first_line.bytes().filter(|b| b == d).count()).unwrap_or(b',');
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(_)) | None => return Err(CsvError::Empty),
    };
    let mut columns: BTreeMap<Col, usize> = BTreeMap::new();
    for (i, h) in header.iter().enumerate() {
        if let Some(col) = Col::from_header(h) {
            if columns.insert(col, i).is_some() {
                return Err(CsvError::DuplicateColumn(col.name()));
            }
        }
    }
    for col in REQUIRED {
        if !columns.contains_key(&col) {
            return Err(CsvError::MissingColumn(col.name()));
        }
    }

    let mut problems = Vec::new();
    let mut plans = Vec::new();
    let mut seen_codes: HashSet<String> = HashSet::new();
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let row = e.position().map(|p| p.line()).unwrap_or(0);
                problems.push(Problem::new("csv.unreadable_row").with("row", row));
                continue;
            }
        };
        let row = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue; // spreadsheets leave blank lines at the end
        }
        let get = |c: Col| columns.get(&c).and_then(|&i| rec.get(i)).unwrap_or("").trim().to_string();
        let cell_problem = |code: &str, col: Col, value: &str| {
            Problem::new(code).with("row", row).with("column", col.name()).with("value", value)
        };
        let mut bad = false;
        for col in [Col::Code, Col::Title] {
            if get(col).is_empty() {
                problems.push(cell_problem("csv.empty_cell", col, ""));
                bad = true;
            }
        }
        let cost_text = get(Col::Cost);
        let cost = parse_euro(&cost_text);
        if cost.is_none() {
            problems.push(cell_problem("csv.bad_cost", Col::Cost, &cost_text));
            bad = true;
        }
        let code = get(Col::Code);
        if !code.is_empty() && !seen_codes.insert(code.to_lowercase()) {
            problems.push(cell_problem("csv.duplicate_code", Col::Code, &code));
            bad = true;
        }
        if bad {
            continue;
        }
        let input = PlanInput {
            code,
            title: get(Col::Title),
            description: get(Col::Description),
            cost_cents: cost.unwrap_or(0),
            initiator: get(Col::Initiator),
        };
        match input.validated() {
            Ok(v) => plans.push(v),
            Err(SelectionError::TooLong { field, max }) => {
                problems.push(Problem::new("csv.too_long").with("row", row).with("column", field).with("max", max))
            }
            Err(e) => problems.push(e.to_problem().with("row", row)),
        }
    }
    if !problems.is_empty() {
        return Err(CsvError::Rows(problems));
    }
    if plans.is_empty() {
        return Err(CsvError::Empty);
    }
    Ok(plans)
}

impl Store {
    /// Import all plans of a CSV file into a selection in one transaction:
    /// either every row is added, or none is.
    pub fn import_plans_csv(
        &mut self,
        operator: &str,
        selection_id: i64,
        bytes: &[u8],
        file_name: &str,
    ) -> Result<ImportReport, CsvError> {
        // The checks read inside the write's transaction.
        self.write_with(operator, |st, c| {
            let plans = parse_plans(bytes)?;
            let existing: HashSet<String> = crate::selection::list_plans(st.db(), selection_id)?
                .into_iter()
                .map(|p| p.code.to_lowercase())
                .collect();
            let clashes: Vec<Problem> = plans
                .iter()
                .filter(|p| existing.contains(&p.code.to_lowercase()))
                .map(|p| Problem::new("csv.code_exists").with("code", &p.code))
                .collect();
            if !clashes.is_empty() {
                return Err(CsvError::Rows(clashes));
            }
            let n = plans.len();
            c.record(crate::selection::SelectionEvent::PlansImport {
                selection: selection_id,
                file: file_name,
                rows: n,
            })?;
            crate::selection::ensure_editable(c, &crate::selection::get_selection_tx(c, selection_id)?)?;
            for p in &plans {
                insert_plan(c, selection_id, p)?;
            }
            Ok::<_, CsvError>(ImportReport { imported: n })
        })
    }
}
