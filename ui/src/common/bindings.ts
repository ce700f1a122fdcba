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
failure: Failure | null, 
/**
 * Set when the previous run did not end normally (crash, power cut, killed).
 */
recovered: Recovery | null, };

export type Changed = { selection_id: number | null, kind: string, };

export type AboutInfo = { version: string, db_path: string, 
/**
 * The backup folder chosen in the backup settings, if any.
 */
backup_dir: string | null, 
/**
 * The signing key's files (secret and public key).
 */
key_file: string, public_key_file: string, 
/**
 * The signing key's id (as minisign prints it), once a key exists.
 */
key_id: string | null, 
/**
 * Where printed PDFs and exports go.
 */
export_dir: string, 
/**
 * The audit chain's head now, to write down (and check later with
 * `wijkstem audit verify --head`).
 */
chain_head: ChainHead | null, };

export type Role = "coordinator" | "volunteer";

export type RosterMember = { id: number, name: string, role: Role, active: boolean, };

export type SignedIn = { name: string, role: Role, };

export type DemoSignIn = { name: string, role: Role, pin: string, };

export type SignInScreen = { roster: Array<RosterMember>, demo: Array<DemoSignIn>, };

export type ChainHead = { seq: number, hash: string, short: string, };

export type Method = "tables" | "ballots" | "panel";

export type Status = "draft" | "open" | "closed";

export type Selection = { id: number, edition: string, wijk: string, budget_cents: number, method: Method, status: Status, created_at: string, plan_count: number, total_cost_cents: number, };

export type SelectionInput = { edition: string, wijk: string, budget_cents: number, method: Method, };

export type Plan = { id: number, selection_id: number, code: string, title: string, description: string, cost_cents: number, initiator: string, };

export type PlanInput = { code: string, title: string, description: string, cost_cents: number, initiator: string, };

export type ImportReport = { imported: number, };

export type AuditEvent = { seq: number, at: string, operator: string, action: string, entity: string, before: string | null, after: string | null, prev_hash: string, hash: string, 
/**
 * What the change wrote, as claims `[[table, rowid, sha256 of the row
 * or null when it was deleted], …]` (JSON). Part of the event's hash, so
 * a record edited outside the app no longer matches its claim.
 */
records: string | null, };

export type ChainReport = { events: number, head: string, 
/**
 * The first event where the chain does not hold, and why.
 */
broken_at: ChainBreak | null, };

export type ChainBreak = { seq: number, 
/**
 * `gap`, `prev_hash` or `hash`: which link failed; `record_changed`,
 * `record_unclaimed`, `record_missing` or `records`: a stored record
 * disagrees with what the chain says was written.
 */
kind: string, 
/**
 * The record that disagrees, e.g. `ballot_entry 4619-5275-9 (entry 1)`.
 */
record: string | null, };

export type BallotStyle = { "kind": "approval", min: number, max: number, } | { "kind": "points", total: number, max_per_plan: number, } | { "kind": "ranking", top: number, };

export type PaperSettings = { style: BallotStyle, double_entry: boolean, 
/**
 * Which findings make a ballot invalid or doubtful.
 */
rules: EntryRules, };

export type Marks = { marks: Array<[string, number]>, };

export type Verdict = "valid" | "blank" | "invalid";

export type Finding = { code: string, verdict: Verdict, detail: string, };

export type EntryReceipt = { serial: string, entry_no: number, verdict: Verdict, findings: Array<Finding>, 
/**
 * Double entry: `waiting` for the second entry, `agreed`, or `differs`.
 */
double_entry: string | null, 
/**
 * Set aside for the committee: the volunteer's reason or the finding codes.
 */
doubtful: string | null, };

export type TallyView = { printed: number, valid: number, blank: number, invalid: number, doubtful: number, reconciliation_queue: number, 
/**
 * Of `valid`, the online vote's.
 */
online_valid: number, plans: Array<TallyPlan>, funded_cost_cents: number, budget_cents: number, explanation: Array<string>, ties: Array<string>, };

export type TallyPlan = { code: string, title: string, cost_cents: number, votes: number, points: number, 
/**
 * Of `votes`, those of the online vote (the rest are paper).
 */
online_votes: number, funded: boolean, };

export type Treat = "valid" | "invalid" | "doubtful";

export type EntryRules = { 
/**
 * `E_OVERVOTE`: more plans, points or ranks than allowed.
 */
overvote: Treat, 
/**
 * `W_UNDERVOTE`: fewer plans or points than asked for.
 */
undervote: Treat, 
/**
 * `E_POINTS_PER_PLAN`: more points on one plan than allowed.
 */
points_per_plan: Treat, 
/**
 * `E_RANKS`: ranks repeated or skipped.
 */
ranks: Treat, };

export type BoxView = { id: number, name: string, location: string, 
/**
 * Ballots the box should hold (from the polling station's count).
 */
expected: number, 
/**
 * Distinct ballots with at least one entry.
 */
entered: number, 
/**
 * Ballots whose entry is final (single entry, or two agreeing entries).
 */
settled: number, 
/**
 * Double entry: ballots still waiting for their second entry.
 */
waiting: number, 
/**
 * Double entry: ballots whose entries differ (coordinator or re-entry).
 */
differences: number, closed: boolean, override_reason: string | null, };

export type BoxInput = { name: string, location: string, expected: number, };

export type ProgressView = { edition: string, wijk: string, closed: boolean, paused: boolean, boxes: Array<BoxView>, printed: number, entered: number, settled: number, waiting: number, 
/**
 * Differences waiting for the coordinator or for re-entry.
 */
queue: number, 
/**
 * Doubtful ballots the committee has not decided yet.
 */
doubtful_open: number, results: TallyView | null, };

export type EntryScreen = { 
/**
 * `None`: no ballot style yet, so nothing can be entered.
 */
settings: PaperSettings | null, progress: ProgressView, boxes: Array<BoxView>, rechecks: Array<Recheck>, };

export type Recheck = { serial: string, codes: Array<string>, requested_by: string, };

export type EntrySide = { operator: string, 
/**
 * RFC 3339, UTC.
 */
at: string, 
/**
 * The marks as plan code and value (1 for a cross, points or rank).
 */
marks: Array<[string, number]>, verdict: string, box_name: string | null, };

export type DifferenceView = { 
/**
 * The serial as stored (what `resolve` takes) and as printed.
 */
serial: string, shown: string, first: EntrySide, second: EntrySide, 
/**
 * The plans whose marks differ.
 */
differing: Array<string>, };

export type Resolution = "keep_first" | "keep_second" | "discard_both" | "recheck";

export type ReviewItem = { serial: string, 
/**
 * `doubtful` or `warning`.
 */
kind: string, 
/**
 * The finding code (`W_UNDERVOTE`, ...) or, for doubtful, the reason.
 */
code: string, detail: string, 
/**
 * The committee's decision on a doubtful ballot: `valid` or `invalid`.
 */
decision: string | null, explanation: string | null, by: string | null, };

export type BundleExport = { bundle_path: string, report_path: string, key_id: string, content_hash: string, };

export type VerifyView = { ok: boolean, passed: Array<Problem>, problems: Array<Problem>, };

export type Recovery = { operator: string | null, location: Location | null, 
/**
 * One problem-style line per unfinished thing (codes under `recovery.`).
 */
unfinished: Array<Problem>, };

export type Location = { selection_id: number | null, tab: string, };

export type BackupSettings = { 
/**
 * The folder backups go to; none until the user chooses one.
 */
dir: string | null, 
/**
 * How many backups to keep (oldest removed first).
 */
keep: number, 
/**
 * Minutes between automatic backups while a count is open.
 */
every_minutes: number, };

export type BackupInfo = { path: string, file_name: string, size: number, 
/**
 * Time of the newest audit event in it.
 */
last_event_at: string | null, events: number, selections: Array<BackupSelection>, 
/**
 * Set when the file cannot be used (damaged, not ours).
 */
problem: Problem | null, };

export type BackupSelection = { wijk: string, status: string, entries: number, };

export type BackupStatus = { settings: BackupSettings, last_backup: string | null, warning: Problem | null, };

export type VerdictFormat = { "kind": "points", per_participant: number, } | { "kind": "ranking" } | { "kind": "support" };

export type TableSettings = { format: VerdictFormat, min_participants: number, max_participants: number, };

export type TableInput = { round: number, name: string, facilitator: string, location: string, 
/**
 * Codes of the plans this table discusses; empty means all plans still in.
 */
plans: Array<string>, };

export type VerdictInput = { participants: number, 
/**
 * Per discussed plan: points total, rank, or support level.
 */
values: Array<[string, number]>, 
/**
 * Conditions for "support with conditions".
 */
conditions: Array<[string, string]>, notes: string, 
/**
 * Optional, points format only: one anonymous row per participant with
 * their own points. With rows from every table, the package is also
 * computed with the Method of Equal Shares over the participants.
 */
rows: Array<Array<[string, number]>>, };

export type TableView = { id: number, round: number, name: string, facilitator: string, location: string, plans: Array<string>, verdict: VerdictInput | null, entered_by: string | null, qr: string, };

export type RankedPlan = { code: string, title: string, cost_cents: number, 
/**
 * Exact score as a fraction, and rounded for the eye.
 */
score: string, score_text: string, dropped: boolean, 
/**
 * In rank order, the plan still fits in what is left of the budget.
 */
fits: boolean, funded: boolean, };

export type RoundView = { round: number, tables: Array<string>, missing: Array<string>, dropped: Array<string>, };

export type TablesOverview = { rounds: Array<RoundView>, ranking: Array<RankedPlan>, budget_cents: number, funded_cost_cents: number, explanation: Array<string>, ties: Array<string>, participants: number, 
/**
 * The Method of Equal Shares over the participants' own rows, when every
 * entered table has them (points format); shown beside greedy.
 */
mes_funded: Array<string> | null, };

export type RoundFormat = { "kind": "points", per_member: number, } | { "kind": "approval", max: number, } | { "kind": "ranking" } | { "kind": "consent" };

export type Member = { id: number, code: string, name: string, };

export type AmendmentView = { after_round: number, plan: string, withdraw: boolean, merge_from: string | null, new_cost_cents: number | null, reason: string, };

export type RoundState = { no: number, format: RoundFormat, present: Array<string>, 
/**
 * Member codes who voted, never what they voted.
 */
voted: Array<string>, closed: boolean, frozen: boolean, quorum_note: string | null, };

export type PanelState = { members: Array<Member>, quorum: number, rounds: Array<RoundState>, amendments: Array<AmendmentView>, };

export type Chance = { code: string, 
/**
 * The computed (leximin) probability, six decimals.
 */
probability: string, 
/**
 * Numbered panels that seat this respondent.
 */
tickets: number, 
/**
 * The chance if every quota panel were equally likely (estimated), for comparison.
 */
uniform: string, };

export type DrawPick = { number: number, 
/**
 * `dice`, or `seed:` and the seed typed in.
 */
source: string, members: Array<string>, at: string, operator: string, };

export type DrawRecord = { id: number, size: number, 
/**
 * Numbered panels in the table (100, 1,000 or 10,000).
 */
lottery: number, min_probability: string, at_min: number, max_deviation: string, 
/**
 * The uniform baseline's smallest chance, how many have it (within its
 * spread), and the spread of its estimate.
 */
uniform_min: string, uniform_at_min: number, uniform_spread: string, 
/**
 * In the respondents' file order.
 */
chances: Array<Chance>, pool_sha256: string, quotas_sha256: string, table_sha256: string, at: string, operator: string, pick: DrawPick | null, 
/**
 * The table has been printed: it stands, and the number may be drawn.
 */
printed: boolean, 
/**
 * In the order they were made.
 */
replacements: Array<Replacement>, };

export type Pick = { "kind": "number", number: number, } | { "kind": "seed", seed: string, };

export type Replacement = { member: string, replacement: string, 
/**
 * The number drawn among the candidates (from 0), and how many there were.
 */
number: number, candidates: number, source: string, reason: string, at: string, operator: string, };

export type ProjectedPlan = { code: string, title: string, cost_cents: number, score_text: string, 
/**
 * Bar length, 0..=1000 of the highest score.
 */
bar: number, 
/**
 * Above the budget line: fits in rank order.
 */
fits: boolean, 
/**
 * Places gained (+) or lost (−) since the previous round; none in round 1.
 */
moved: number | null, };

export type ProjectorView = { wijk: string, round: number, votes: number, present: number, budget_cents: number, plans: Array<ProjectedPlan>, 
/**
 * Frozen by the moderator: this is the last revealed picture.
 */
frozen: boolean, 
/**
 * A consent round: (agreed, objections) so far.
 */
consent: [number, number] | null, 
/**
 * Changes with every saved vote, so a screen can tell it is current.
 */
version: number, };

export type PanelPackage = { funded: Array<string>, total_cost_cents: number, explanation: Array<string>, };

export type PackageFile = { path: string, 
/**
 * The station package's number (the set-up package: 0).
 */
number: number, 
/**
 * The key that signed it: on the coordinator's laptop, what each
 * station compares when it reads the set-up in.
 */
key_id: string, };

export type SetupImported = { 
/**
 * The station's copy of the selection, here.
 */
selection_id: number, 
/**
 * The key that signed the set-up: compare it with the coordinator's laptop.
 */
coordinator_key: string, 
/**
 * This laptop's key: the coordinator admits the station by it.
 */
station_key: string, };

export type Origin = { coordinator_key: string, origin_selection_id: number, setup_hash: string, };

export type PackageImport = { file: string, station: string, number: number, 
/**
 * The same package was imported before: nothing changed.
 */
already: boolean, added: number, repeated: number, conflicts: number, withdrawn: number, };

export type StationView = { key_id: string, name: string, packages: number, last_import: string | null, last_number: number, entries: number, 
/**
 * Per box of the selection.
 */
boxes: Array<StationBoxView>, };

export type StationBoxView = { name: string, 
/**
 * Its entries in the box counted here (active).
 */
entries: number, 
/**
 * Its newest package that brought the box had it closed on the station.
 */
handed_in: boolean, 
/**
 * When a package last brought the box.
 */
last_import: string | null, };

export type ConflictView = { id: number, station: string, serial: string, marks: string, operator: string, at: string, 
/**
 * The problem code that kept it out (`paper.already_entered`, …).
 */
reason: string, 
/**
 * Who entered this ballot on the coordinator's side so far, with their laptops.
 */
others: Array<string>, settled: boolean, };

export type OnlineReport = { file: string, votes: number, 
/**
 * The same file was imported before: nothing changed.
 */
already: boolean, sha256: string, };

export type DeskCheck = { file: string, 
/**
 * Pseudonyms on the desk's list (each counted once).
 */
listed: number, 
/**
 * Those of them that also voted online, as written on the list: for
 * the coordinator's eyes only (the chain keeps only their number).
 */
also_online: Array<string>, 
/**
 * Lines that named a pseudonym already on the list (counted once).
 */
repeated: number, };

