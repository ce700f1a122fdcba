// Generated from the Rust core by tests/bindings.rs. Do not edit:
// run `UPDATE_BINDINGS=1 cargo test --test bindings` after changing a Rust type.

export type Problem = { 
/**
 * Stable code, e.g. `csv.bad_cost`; the translation key is `problem.<code>`.
 */
code: string, params: { [key in string]?: string }, };

export type Failure = { problems: Array<Problem>, };

export type StartupInfo = { db_path: string, demo_loaded: boolean, 
/**
 * Set when the database could not be opened; the UI shows it instead of the app.
 */
failure: Failure | null, };

export type Method = "tables" | "ballots" | "panel";

export type Status = "draft" | "open" | "closed";

export type Selection = { id: number, edition: string, wijk: string, budget_cents: number, method: Method, status: Status, created_at: string, plan_count: number, total_cost_cents: number, };

export type SelectionInput = { edition: string, wijk: string, budget_cents: number, method: Method, };

export type Plan = { id: number, selection_id: number, code: string, title: string, description: string, cost_cents: number, initiator: string, };

export type PlanInput = { code: string, title: string, description: string, cost_cents: number, initiator: string, };

export type ImportReport = { imported: number, };

export type AuditEvent = { seq: number, at: string, operator: string, action: string, entity: string, before: string | null, after: string | null, prev_hash: string, hash: string, };

export type ChainReport = { events: number, head: string, 
/**
 * The first event where the chain does not hold, and why.
 */
broken_at: ChainBreak | null, };

export type ChainBreak = { seq: number, 
/**
 * `gap`, `prev_hash` or `hash`: which link failed.
 */
kind: string, };

export type BallotStyle = { "kind": "approval", min: number, max: number, } | { "kind": "points", total: number, max_per_plan: number, } | { "kind": "ranking", top: number, };

export type PaperSettings = { style: BallotStyle, double_entry: boolean, };

export type Marks = { marks: Array<[string, number]>, };

export type Verdict = "valid" | "blank" | "invalid";

export type Finding = { code: string, verdict: Verdict, detail: string, };

export type EntryReceipt = { serial: string, entry_no: number, verdict: Verdict, findings: Array<Finding>, 
/**
 * Double entry: `waiting` for the second entry, `agreed`, or `differs`.
 */
double_entry: string | null, };

export type TallyView = { printed: number, valid: number, blank: number, invalid: number, doubtful: number, reconciliation_queue: number, plans: Array<TallyPlan>, funded_cost_cents: number, budget_cents: number, explanation: Array<string>, ties: Array<string>, };

export type TallyPlan = { code: string, title: string, cost_cents: number, votes: number, points: number, funded: boolean, };

