// Generated from src-tauri/src/commands.rs by src-tauri/declare.rs. Do not edit:
// change the command there and run `UPDATE_BINDINGS=1 cargo test --test bindings`.
import type {
  AboutInfo,
  BackupInfo,
  BackupSettings,
  BackupStatus,
  BoxInput,
  BoxView,
  BundleExport,
  ChainReport,
  DifferenceView,
  EntryReceipt,
  ImportReport,
  Location,
  Marks,
  Member,
  PanelPackage,
  PanelState,
  PaperSettings,
  Plan,
  PlanInput,
  ProgressView,
  ProjectorView,
  Recheck,
  Resolution,
  ReviewItem,
  Role,
  RosterMember,
  RoundFormat,
  Selection,
  SelectionInput,
  SignInScreen,
  SignedIn,
  StartupInfo,
  TableInput,
  TableSettings,
  TableView,
  TablesOverview,
  TallyView,
  VerdictInput,
  VerifyView,
} from "./bindings";

/** How a call reaches the backend (Tauri in the app, a mock in tests). */
export interface Platform {
  call<T>(command: string, args?: Record<string, unknown>): Promise<T>;
  /** Hear an event the backend pushes; the promise gives the function that stops listening. */
  listen<T>(event: string, handler: (payload: T) => void): Promise<() => void>;
}

/** Every command the app's window may call, typed as declared in Rust. */
export function makeApi(p: Platform) {
  return {
    startupInfo: () => p.call<StartupInfo>("startup_info"),
    aboutInfo: () => p.call<AboutInfo>("about_info"),
    backupStatus: () => p.call<BackupStatus>("backup_status"),
    setBackupSettings: (settings: BackupSettings) => p.call<null>("set_backup_settings", { settings }),
    backupNow: () => p.call<BackupInfo>("backup_now"),
    listBackups: (dir: string | null) => p.call<BackupInfo[]>("list_backups", { dir }),
    restoreBackup: (path: string) => p.call<string>("restore_backup", { path }),
    signIn: (name: string, pin: string) => p.call<SignedIn>("sign_in", { name, pin }),
    signInScreen: () => p.call<SignInScreen>("sign_in_screen"),
    signedIn: () => p.call<SignedIn | null>("signed_in"),
    setUpRoster: (name: string, pin: string) => p.call<SignedIn>("set_up_roster", { name, pin }),
    roster: () => p.call<RosterMember[]>("roster"),
    addToRoster: (name: string, role: Role, pin: string) => p.call<RosterMember>("add_to_roster", { name, role, pin }),
    setRosterPin: (id: number, pin: string) => p.call<null>("set_roster_pin", { id, pin }),
    setRosterMember: (id: number, role: Role, active: boolean) =>
      p.call<RosterMember>("set_roster_member", { id, role, active }),
    signOut: () => p.call<null>("sign_out"),
    listSelections: () => p.call<Selection[]>("list_selections"),
    getSelection: (id: number) => p.call<Selection>("get_selection", { id }),
    createSelection: (input: SelectionInput) => p.call<Selection>("create_selection", { input }),
    updateSelection: (id: number, input: SelectionInput) => p.call<Selection>("update_selection", { id, input }),
    listPlans: (selectionId: number) => p.call<Plan[]>("list_plans", { selectionId }),
    addPlan: (selectionId: number, input: PlanInput) => p.call<Plan>("add_plan", { selectionId, input }),
    updatePlan: (planId: number, input: PlanInput) => p.call<Plan>("update_plan", { planId, input }),
    removePlan: (planId: number) => p.call<null>("remove_plan", { planId }),
    importPlansCsv: (selectionId: number, contents: string, fileName: string) =>
      p.call<ImportReport>("import_plans_csv", { selectionId, contents, fileName }),
    auditVerify: () => p.call<ChainReport>("audit_verify"),
    paperSettings: (selectionId: number) => p.call<PaperSettings | null>("paper_settings", { selectionId }),
    setPaperSettings: (selectionId: number, settings: PaperSettings) =>
      p.call<null>("set_paper_settings", { selectionId, settings }),
    printBallots: (selectionId: number, count: number, perPage: number, lang: string) =>
      p.call<string>("print_ballots", { selectionId, count, perPage, lang }),
    enterBallot: (selectionId: number, boxId: number | null, scan: string, marks: Marks, doubtful: string | null) =>
      p.call<EntryReceipt>("enter_ballot", { selectionId, boxId, scan, marks, doubtful }),
    listBoxes: (selectionId: number) => p.call<BoxView[]>("list_boxes", { selectionId }),
    createBox: (selectionId: number, input: BoxInput) => p.call<BoxView>("create_box", { selectionId, input }),
    closeBox: (selectionId: number, boxId: number, overrideReason: string | null) =>
      p.call<BoxView>("close_box", { selectionId, boxId, overrideReason }),
    reopenBox: (selectionId: number, boxId: number, reason: string) =>
      p.call<BoxView>("reopen_box", { selectionId, boxId, reason }),
    printBoxCover: (selectionId: number, boxId: number, lang: string) =>
      p.call<string>("print_box_cover", { selectionId, boxId, lang }),
    boxScan: (scan: string) => p.call<[number, number] | null>("box_scan", { scan }),
    setEntryPaused: (selectionId: number, paused: boolean) => p.call<null>("set_entry_paused", { selectionId, paused }),
    saveDraft: (selectionId: number, draft: string) => p.call<null>("save_draft", { selectionId, draft }),
    getDraft: (selectionId: number) => p.call<string | null>("get_draft", { selectionId }),
    clearDraft: (selectionId: number) => p.call<null>("clear_draft", { selectionId }),
    progress: (selectionId: number, lang: string) => p.call<ProgressView>("progress", { selectionId, lang }),
    closeCount: (selectionId: number) => p.call<null>("close_count", { selectionId }),
    resolve: (selectionId: number, serial: string, how: Resolution) =>
      p.call<null>("resolve", { selectionId, serial, how }),
    rechecks: (selectionId: number) => p.call<Recheck[]>("rechecks", { selectionId }),
    recheckEntry: (selectionId: number, serial: string, marks: Marks) =>
      p.call<EntryReceipt>("recheck_entry", { selectionId, serial, marks }),
    reviews: (selectionId: number) => p.call<ReviewItem[]>("reviews", { selectionId }),
    decideDoubtful: (selectionId: number, serial: string, accept: boolean, explanation: string) =>
      p.call<null>("decide_doubtful", { selectionId, serial, accept, explanation }),
    explainWarning: (selectionId: number, serial: string, code: string, explanation: string) =>
      p.call<null>("explain_warning", { selectionId, serial, code, explanation }),
    exportRecords: (selectionId: number) => p.call<string[]>("export_records", { selectionId }),
    exportInternal: (selectionId: number, lang: string) => p.call<string>("export_internal", { selectionId, lang }),
    exportBundle: (selectionId: number, passphrase: string | null, lang: string) =>
      p.call<BundleExport>("export_bundle", { selectionId, passphrase, lang }),
    exportPublicKey: (passphrase: string | null) => p.call<string>("export_public_key", { passphrase }),
    undoLastEntry: (selectionId: number) => p.call<string>("undo_last_entry", { selectionId }),
    verifyBundleFiles: (bundle: string, pubkey: string | null) =>
      p.call<VerifyView>("verify_bundle_files", { bundle, pubkey }),
    importPlansCsvFile: (selectionId: number, path: string) =>
      p.call<ImportReport>("import_plans_csv_file", { selectionId, path }),
    /** The laptop's own file or folder dialog; `None` when cancelled. Tests answer it with `WIJKSTEM_PICK_<KIND>` (the one seam they stub). */
    pickPath: (kind: string, title: string) => p.call<string | null>("pick_path", { kind, title }),
    /** Open a file Wijkstem wrote (or its folder); only inside the export folder. */
    openExport: (path: string, folder: boolean) => p.call<null>("open_export", { path, folder }),
    verifyBundle: (bundle: string, pubkey: string | null) => p.call<VerifyView>("verify_bundle", { bundle, pubkey }),
    setLocation: (location: Location) => p.call<null>("set_location", { location }),
    tableSettings: (selectionId: number) => p.call<TableSettings | null>("table_settings", { selectionId }),
    setTableSettings: (selectionId: number, settings: TableSettings) =>
      p.call<null>("set_table_settings", { selectionId, settings }),
    addTable: (selectionId: number, input: TableInput) => p.call<TableView>("add_table", { selectionId, input }),
    listTables: (selectionId: number) => p.call<TableView[]>("list_tables", { selectionId }),
    enterVerdict: (selectionId: number, tableId: number, verdict: VerdictInput) =>
      p.call<TableView>("enter_verdict", { selectionId, tableId, verdict }),
    tableScan: (selectionId: number, scan: string) => p.call<number>("table_scan", { selectionId, scan }),
    dropPreview: (selectionId: number, afterRound: number, threshold: string) =>
      p.call<string[]>("drop_preview", { selectionId, afterRound, threshold }),
    confirmDrop: (selectionId: number, afterRound: number, threshold: string) =>
      p.call<string[]>("confirm_drop", { selectionId, afterRound, threshold }),
    closeTables: (selectionId: number) => p.call<null>("close_tables", { selectionId }),
    tablesOverview: (selectionId: number, lang: string) =>
      p.call<TablesOverview>("tables_overview", { selectionId, lang }),
    printTableSheets: (selectionId: number, round: number | null, lang: string) =>
      p.call<string>("print_table_sheets", { selectionId, round, lang }),
    addMember: (selectionId: number, code: string, name: string) =>
      p.call<Member>("add_member", { selectionId, code, name }),
    setQuorum: (selectionId: number, quorum: number) => p.call<null>("set_quorum", { selectionId, quorum }),
    openRound: (selectionId: number, format: RoundFormat, present: string[]) =>
      p.call<number>("open_round", { selectionId, format, present }),
    castVote: (selectionId: number, round: number, member: string, votes: [string, number][]) =>
      p.call<null>("cast_vote", { selectionId, round, member, votes }),
    closeRound: (selectionId: number, round: number, overrideReason: string | null) =>
      p.call<null>("close_round", { selectionId, round, overrideReason }),
    setFrozen: (selectionId: number, frozen: boolean) => p.call<null>("set_frozen", { selectionId, frozen }),
    amend: (
      selectionId: number,
      plan: string,
      newCostCents: number | null,
      withdraw: boolean,
      mergeFrom: string | null,
      reason: string,
    ) => p.call<null>("amend", { selectionId, plan, newCostCents, withdraw, mergeFrom, reason }),
    recordConsent: (selectionId: number, round: number, member: string, agree: boolean, objection: string) =>
      p.call<null>("record_consent", { selectionId, round, member, agree, objection }),
    printRoundCards: (selectionId: number, lang: string) => p.call<string>("print_round_cards", { selectionId, lang }),
    cardScan: (selectionId: number, scan: string) =>
      p.call<[number, string] | null>("card_scan", { selectionId, scan }),
    closePanel: (selectionId: number) => p.call<null>("close_panel", { selectionId }),
    panelState: (selectionId: number) => p.call<PanelState>("panel_state", { selectionId }),
    projector: (selectionId: number, lang: string) => p.call<ProjectorView>("projector", { selectionId, lang }),
    panelPackage: (selectionId: number, lang: string) => p.call<PanelPackage>("panel_package", { selectionId, lang }),
    /** Open (or bring forward) the read-only view window for a projector or a second screen. Its capability allows reading only. */
    openViewWindow: (view: string, selectionId: number) => p.call<null>("open_view_window", { view, selectionId }),
    differences: (selectionId: number) => p.call<DifferenceView[]>("differences", { selectionId }),
    tally: (selectionId: number, rule: string, lang: string) => p.call<TallyView>("tally", { selectionId, rule, lang }),
  };
}

export type Api = ReturnType<typeof makeApi>;
