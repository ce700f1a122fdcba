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

