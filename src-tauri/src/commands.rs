//! The app's commands, declared once. Each `#[tauri::command]` here is one
//! call the UI can make and turns into exactly one `Session` call. The
//! handler list, the permissions, the main window's capability and the UI's
//! typed calls (`ui/src/common/commands.ts`) are all made from this file
//! (`../declare.rs`); a command added here is complete once
//! `UPDATE_BINDINGS=1 cargo test --test bindings` has written its TypeScript.

use tauri::State;
use wijkstem::i18n::Lang;
use wijkstem::panel::lot::{DrawPick, DrawRecord, Pick, Replacement};
use wijkstem::panel::{Member, PanelPackage, PanelState, ProjectorView, RoundFormat};
use wijkstem::paper::ballot::Marks;
use wijkstem::paper::boxes::{BoxInput, BoxView, ProgressView};
use wijkstem::paper::online::{DeskCheck, OnlineReport};
use wijkstem::paper::review::{Recheck, Resolution, ReviewItem};
use wijkstem::paper::{EntryReceipt, EntryScreen, PaperSettings, TallyView};
use wijkstem::problem::Failure;
use wijkstem::roster::{Role, RosterMember, SignInScreen, SignedIn};
use wijkstem::selection::csv_import::ImportReport;
use wijkstem::selection::{Plan, PlanInput, Selection, SelectionInput};
use wijkstem::session::{
    BackupStatus, BundleExport, Location, PackageFile, Res, Session, SetupImported, StartupInfo, VerifyView,
};
use wijkstem::station::{ConflictView, Origin, PackageImport, StationView};
use wijkstem::storage::audit::ChainReport;
use wijkstem::storage::backup::{BackupInfo, BackupSettings};
use wijkstem::tables::{TableInput, TableSettings, TableView, TablesOverview, VerdictInput};

use crate::shell::{with, App};

#[tauri::command]
pub fn startup_info(app: State<'_, App>) -> StartupInfo {
    app.startup.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

#[tauri::command]
pub fn about_info(app: State<'_, App>) -> Res<wijkstem::session::AboutInfo> {
    with(&app, |s| Ok(s.about()))
}

#[tauri::command]
pub fn backup_status(app: State<'_, App>) -> Res<BackupStatus> {
    with(&app, |s| Ok(s.backup_tick()))
}

#[tauri::command]
pub fn set_backup_settings(app: State<'_, App>, settings: BackupSettings) -> Res<()> {
    with(&app, |s| s.set_backup_settings(&settings))
}

#[tauri::command]
pub fn backup_now(app: State<'_, App>) -> Res<BackupInfo> {
    with(&app, |s| s.backup_now())
}

#[tauri::command]
pub fn list_backups(app: State<'_, App>, dir: Option<String>) -> Res<Vec<BackupInfo>> {
    let mut guard = app.session.lock().unwrap_or_else(|p| p.into_inner());
    Ok(match guard.as_mut() {
        Ok(s) => s.list_backups(dir.as_deref()),
        // The database does not open: look beside it.
        Err(_) => wijkstem::session::backups_for_broken_db(&app.db_path, dir.as_deref()),
    })
}

#[tauri::command]
pub fn restore_backup(app: State<'_, App>, path: String) -> Res<String> {
    let mut guard = app.session.lock().unwrap_or_else(|p| p.into_inner());
    match guard.as_mut() {
        Ok(s) => s.restore_backup(&path),
        Err(_) => {
            // The way forward from a damaged database: put a backup in its
            // place (the damaged file is kept beside it) and open again.
            let kept = wijkstem::storage::backup::restore_file(std::path::Path::new(&path), &app.db_path)
                .map_err(Failure::from)?;
            let (session, info) = Session::start(&app.db_path);
            *guard = session;
            *app.startup.lock().unwrap_or_else(|p| p.into_inner()) = info;
            Ok(kept.display().to_string())
        }
    }
}

#[tauri::command]
pub fn sign_in(app: State<'_, App>, name: String, pin: String) -> Res<SignedIn> {
    with(&app, |s| s.sign_in(&name, &pin))
}

#[tauri::command]
pub fn sign_in_screen(app: State<'_, App>) -> Res<SignInScreen> {
    with(&app, |s| s.sign_in_screen())
}

#[tauri::command]
pub fn signed_in(app: State<'_, App>) -> Res<Option<SignedIn>> {
    with(&app, |s| Ok(s.signed_in()))
}

#[tauri::command]
pub fn set_up_roster(app: State<'_, App>, name: String, pin: String) -> Res<SignedIn> {
    with(&app, |s| s.set_up_roster(&name, &pin))
}

#[tauri::command]
pub fn roster(app: State<'_, App>) -> Res<Vec<RosterMember>> {
    with(&app, |s| s.roster())
}

#[tauri::command]
pub fn add_to_roster(app: State<'_, App>, name: String, role: Role, pin: String) -> Res<RosterMember> {
    with(&app, |s| s.add_to_roster(&name, role, &pin))
}

#[tauri::command]
pub fn set_roster_pin(app: State<'_, App>, id: i64, pin: String) -> Res<()> {
    with(&app, |s| s.set_roster_pin(id, &pin))
}

#[tauri::command]
pub fn set_roster_member(app: State<'_, App>, id: i64, role: Role, active: bool) -> Res<RosterMember> {
    with(&app, |s| s.set_roster_member(id, role, active))
}

#[tauri::command]
pub fn sign_out(app: State<'_, App>) -> Res<()> {
    with(&app, |s| s.sign_out())
}

#[tauri::command]
pub fn list_selections(app: State<'_, App>) -> Res<Vec<Selection>> {
    with(&app, |s| s.selections())
}

#[tauri::command]
pub fn get_selection(app: State<'_, App>, id: i64) -> Res<Selection> {
    with(&app, |s| s.selection(id))
}

#[tauri::command]
pub fn create_selection(app: State<'_, App>, input: SelectionInput) -> Res<Selection> {
    with(&app, |s| s.create_selection(&input))
}

#[tauri::command]
pub fn update_selection(app: State<'_, App>, id: i64, input: SelectionInput) -> Res<Selection> {
    with(&app, |s| s.update_selection(id, &input))
}

#[tauri::command]
pub fn list_plans(app: State<'_, App>, selection_id: i64) -> Res<Vec<Plan>> {
    with(&app, |s| s.plans(selection_id))
}

#[tauri::command]
pub fn add_plan(app: State<'_, App>, selection_id: i64, input: PlanInput) -> Res<Plan> {
    with(&app, |s| s.add_plan(selection_id, &input))
}

#[tauri::command]
pub fn update_plan(app: State<'_, App>, plan_id: i64, input: PlanInput) -> Res<Plan> {
    with(&app, |s| s.update_plan(plan_id, &input))
}

#[tauri::command]
pub fn remove_plan(app: State<'_, App>, plan_id: i64) -> Res<()> {
    with(&app, |s| s.remove_plan(plan_id))
}

#[tauri::command]
pub fn import_plans_csv(
    app: State<'_, App>,
    selection_id: i64,
    contents: String,
    file_name: String,
) -> Res<ImportReport> {
    with(&app, |s| s.import_plans_csv_base64(selection_id, &contents, &file_name))
}

#[tauri::command]
pub fn audit_verify(app: State<'_, App>) -> Res<ChainReport> {
    with(&app, |s| s.audit_verify())
}

#[tauri::command]
pub fn paper_settings(app: State<'_, App>, selection_id: i64) -> Res<Option<PaperSettings>> {
    with(&app, |s| s.paper_settings(selection_id))
}

#[tauri::command]
pub fn set_paper_settings(app: State<'_, App>, selection_id: i64, settings: PaperSettings) -> Res<()> {
    with(&app, |s| s.set_paper_settings(selection_id, &settings))
}

#[tauri::command]
pub fn print_ballots(app: State<'_, App>, selection_id: i64, count: u32, per_page: u8, lang: String) -> Res<String> {
    with(&app, |s| s.print_ballots_to_file(selection_id, count, per_page, Lang::from_code(&lang)))
}

#[tauri::command]
pub fn enter_ballot(
    app: State<'_, App>,
    selection_id: i64,
    box_id: Option<i64>,
    scan: String,
    marks: Marks,
    doubtful: Option<String>,
) -> Res<EntryReceipt> {
    with(&app, |s| s.enter_ballot(selection_id, box_id, &scan, &marks, doubtful.as_deref()))
}

#[tauri::command]
pub fn list_boxes(app: State<'_, App>, selection_id: i64) -> Res<Vec<BoxView>> {
    with(&app, |s| s.boxes(selection_id))
}

#[tauri::command]
pub fn create_box(app: State<'_, App>, selection_id: i64, input: BoxInput) -> Res<BoxView> {
    with(&app, |s| s.create_box(selection_id, &input))
}

#[tauri::command]
pub fn close_box(app: State<'_, App>, selection_id: i64, box_id: i64, override_reason: Option<String>) -> Res<BoxView> {
    with(&app, |s| s.close_box(selection_id, box_id, override_reason.as_deref()))
}

#[tauri::command]
pub fn reopen_box(app: State<'_, App>, selection_id: i64, box_id: i64, reason: String) -> Res<BoxView> {
    with(&app, |s| s.reopen_box(selection_id, box_id, &reason))
}

#[tauri::command]
pub fn print_box_cover(app: State<'_, App>, selection_id: i64, box_id: i64, lang: String) -> Res<String> {
    with(&app, |s| s.print_box_cover_to_file(selection_id, box_id, Lang::from_code(&lang)))
}

/// The box of this selection a scanned box cover names (on a counting station, the coordinator's covers too).
#[tauri::command]
pub fn box_scan(app: State<'_, App>, selection_id: i64, scan: String) -> Res<Option<i64>> {
    with(&app, |s| s.box_for_scan(selection_id, &scan))
}

#[tauri::command]
pub fn set_entry_paused(app: State<'_, App>, selection_id: i64, paused: bool) -> Res<()> {
    with(&app, |s| s.set_entry_paused(selection_id, paused))
}

#[tauri::command]
pub fn save_draft(app: State<'_, App>, selection_id: i64, draft: String) -> Res<()> {
    with(&app, |s| s.save_draft(selection_id, &draft))
}

#[tauri::command]
pub fn get_draft(app: State<'_, App>, selection_id: i64) -> Res<Option<String>> {
    with(&app, |s| s.draft(selection_id))
}

#[tauri::command]
pub fn clear_draft(app: State<'_, App>, selection_id: i64) -> Res<()> {
    with(&app, |s| s.clear_draft(selection_id))
}

#[tauri::command]
pub fn progress(app: State<'_, App>, selection_id: i64, lang: String) -> Res<ProgressView> {
    with(&app, |s| s.progress(selection_id, "greedy", Lang::from_code(&lang)))
}

#[tauri::command]
pub fn close_count(app: State<'_, App>, selection_id: i64) -> Res<()> {
    with(&app, |s| s.close_count(selection_id))
}

#[tauri::command]
pub fn resolve(app: State<'_, App>, selection_id: i64, serial: String, how: Resolution) -> Res<()> {
    with(&app, |s| s.resolve(selection_id, &serial, how))
}

/// The entry screen's reads in one call (style, progress, boxes, rechecks).
#[tauri::command]
pub fn entry_screen(app: State<'_, App>, selection_id: i64, lang: String) -> Res<EntryScreen> {
    with(&app, |s| s.entry_screen(selection_id, Lang::from_code(&lang)))
}

#[tauri::command]
pub fn rechecks(app: State<'_, App>, selection_id: i64) -> Res<Vec<Recheck>> {
    with(&app, |s| s.rechecks(selection_id))
}

#[tauri::command]
pub fn recheck_entry(app: State<'_, App>, selection_id: i64, serial: String, marks: Marks) -> Res<EntryReceipt> {
    with(&app, |s| s.recheck_entry(selection_id, &serial, &marks))
}

#[tauri::command]
pub fn reviews(app: State<'_, App>, selection_id: i64) -> Res<Vec<ReviewItem>> {
    with(&app, |s| s.reviews(selection_id))
}

#[tauri::command]
pub fn decide_doubtful(
    app: State<'_, App>,
    selection_id: i64,
    serial: String,
    accept: bool,
    explanation: String,
) -> Res<()> {
    with(&app, |s| s.decide_doubtful(selection_id, &serial, accept, &explanation))
}

#[tauri::command]
pub fn explain_warning(
    app: State<'_, App>,
    selection_id: i64,
    serial: String,
    code: String,
    explanation: String,
) -> Res<()> {
    with(&app, |s| s.explain_warning(selection_id, &serial, &code, &explanation))
}

#[tauri::command]
pub fn export_records(app: State<'_, App>, selection_id: i64) -> Res<Vec<String>> {
    with(&app, |s| s.export_records(selection_id))
}

#[tauri::command]
pub fn export_internal(app: State<'_, App>, selection_id: i64, lang: String) -> Res<String> {
    with(&app, |s| s.export_internal(selection_id, Lang::from_code(&lang)))
}

#[tauri::command]
pub fn export_bundle(
    app: State<'_, App>,
    selection_id: i64,
    passphrase: Option<String>,
    lang: String,
) -> Res<BundleExport> {
    with(&app, |s| s.export_bundle_to_files(selection_id, passphrase.as_deref(), Lang::from_code(&lang)))
}

#[tauri::command]
pub fn export_public_key(app: State<'_, App>, passphrase: Option<String>) -> Res<String> {
    with(&app, |s| s.export_public_key(passphrase.as_deref()))
}

#[tauri::command]
pub fn undo_last_entry(app: State<'_, App>, selection_id: i64) -> Res<String> {
    with(&app, |s| s.undo_last_entry(selection_id))
}

#[tauri::command]
pub fn verify_bundle_files(bundle: String, pubkey: Option<String>) -> Res<VerifyView> {
    wijkstem::session::verify_bundle_files(&bundle, pubkey.as_deref())
}

#[tauri::command]
pub fn import_plans_csv_file(app: State<'_, App>, selection_id: i64, path: String) -> Res<ImportReport> {
    with(&app, |s| s.import_plans_csv_file(selection_id, &path))
}

/// The laptop's own file or folder dialog; `None` when cancelled. Tests
/// answer it with `WIJKSTEM_PICK_<KIND>` (the one seam they stub).
#[tauri::command]
pub async fn pick_path(app: tauri::AppHandle, kind: String, title: String) -> Res<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    if let Ok(p) = std::env::var(format!("WIJKSTEM_PICK_{}", kind.to_uppercase())) {
        return Ok(Some(p).filter(|p| !p.is_empty()));
    }
    let d = app.dialog().file().set_title(title);
    let picked = match kind.as_str() {
        "folder" => d.blocking_pick_folder(),
        "csv" | "quotas" | "respondents" => d.add_filter("CSV", &["csv", "txt"]).blocking_pick_file(),
        "zip" => d.add_filter("ZIP", &["zip"]).blocking_pick_file(),
        "package" => d.add_filter("Wijkstem", &["wsp", "zip"]).blocking_pick_file(),
        "online" => d.add_filter("pabulib / CSV", &["pb", "csv", "txt"]).blocking_pick_file(),
        "pub" => d.add_filter("minisign", &["pub", "txt"]).blocking_pick_file(),
        _ => None,
    };
    Ok(picked.and_then(|p| p.into_path().ok()).map(|p| p.display().to_string()))
}

/// Open a file Wijkstem wrote (or its folder); only inside the export folder.
#[tauri::command]
pub fn open_export(path: String, folder: bool) -> Res<()> {
    wijkstem::session::open_export(&path, folder)
}

#[tauri::command]
pub fn verify_bundle(bundle: String, pubkey: Option<String>) -> Res<VerifyView> {
    wijkstem::session::verify_bundle(&bundle, pubkey.as_deref())
}

#[tauri::command]
pub fn set_location(app: State<'_, App>, location: Location) -> Res<()> {
    with(&app, |s| s.set_location(&location))
}

#[tauri::command]
pub fn table_settings(app: State<'_, App>, selection_id: i64) -> Res<Option<TableSettings>> {
    with(&app, |s| s.table_settings(selection_id))
}

#[tauri::command]
pub fn set_table_settings(app: State<'_, App>, selection_id: i64, settings: TableSettings) -> Res<()> {
    with(&app, |s| s.set_table_settings(selection_id, &settings))
}

#[tauri::command]
pub fn add_table(app: State<'_, App>, selection_id: i64, input: TableInput) -> Res<TableView> {
    with(&app, |s| s.add_table(selection_id, &input))
}

#[tauri::command]
pub fn list_tables(app: State<'_, App>, selection_id: i64) -> Res<Vec<TableView>> {
    with(&app, |s| s.tables(selection_id))
}

#[tauri::command]
pub fn enter_verdict(app: State<'_, App>, selection_id: i64, table_id: i64, verdict: VerdictInput) -> Res<TableView> {
    with(&app, |s| s.enter_verdict(selection_id, table_id, &verdict))
}

#[tauri::command]
pub fn table_scan(app: State<'_, App>, selection_id: i64, scan: String) -> Res<i64> {
    with(&app, |s| s.table_scan(selection_id, &scan))
}

#[tauri::command]
pub fn drop_preview(app: State<'_, App>, selection_id: i64, after_round: u32, threshold: String) -> Res<Vec<String>> {
    with(&app, |s| s.drop_preview(selection_id, after_round, &threshold))
}

#[tauri::command]
pub fn confirm_drop(app: State<'_, App>, selection_id: i64, after_round: u32, threshold: String) -> Res<Vec<String>> {
    with(&app, |s| s.confirm_drop(selection_id, after_round, &threshold))
}

#[tauri::command]
pub fn close_tables(app: State<'_, App>, selection_id: i64) -> Res<()> {
    with(&app, |s| s.close_tables(selection_id))
}

#[tauri::command]
pub fn tables_overview(app: State<'_, App>, selection_id: i64, lang: String) -> Res<TablesOverview> {
    with(&app, |s| s.tables_overview(selection_id, Lang::from_code(&lang)))
}

#[tauri::command]
pub fn print_table_sheets(app: State<'_, App>, selection_id: i64, round: Option<u32>, lang: String) -> Res<String> {
    with(&app, |s| s.print_table_sheets(selection_id, round, Lang::from_code(&lang)))
}

#[tauri::command]
pub fn add_member(app: State<'_, App>, selection_id: i64, code: String, name: String) -> Res<Member> {
    with(&app, |s| s.add_member(selection_id, &code, &name))
}

#[tauri::command]
pub fn set_quorum(app: State<'_, App>, selection_id: i64, quorum: u32) -> Res<()> {
    with(&app, |s| s.set_quorum(selection_id, quorum))
}

#[tauri::command]
pub fn open_round(app: State<'_, App>, selection_id: i64, format: RoundFormat, present: Vec<String>) -> Res<u32> {
    with(&app, |s| s.open_round(selection_id, &format, &present))
}

#[tauri::command]
pub fn cast_vote(
    app: State<'_, App>,
    selection_id: i64,
    round: u32,
    member: String,
    votes: Vec<(String, u32)>,
) -> Res<()> {
    with(&app, |s| s.cast_vote(selection_id, round, &member, &votes))
}

#[tauri::command]
pub fn close_round(app: State<'_, App>, selection_id: i64, round: u32, override_reason: Option<String>) -> Res<()> {
    with(&app, |s| s.close_round(selection_id, round, override_reason.as_deref()))
}

#[tauri::command]
pub fn set_frozen(app: State<'_, App>, selection_id: i64, frozen: bool) -> Res<()> {
    with(&app, |s| s.set_frozen(selection_id, frozen))
}

#[tauri::command]
pub fn amend(
    app: State<'_, App>,
    selection_id: i64,
    plan: String,
    new_cost_cents: Option<i64>,
    withdraw: bool,
    merge_from: Option<String>,
    reason: String,
) -> Res<()> {
    with(&app, |s| s.amend(selection_id, &plan, new_cost_cents, withdraw, merge_from.as_deref(), &reason))
}

#[tauri::command]
pub fn record_consent(
    app: State<'_, App>,
    selection_id: i64,
    round: u32,
    member: String,
    agree: bool,
    objection: String,
) -> Res<()> {
    with(&app, |s| s.record_consent(selection_id, round, &member, agree, &objection))
}

#[tauri::command]
pub fn print_round_cards(app: State<'_, App>, selection_id: i64, lang: String) -> Res<String> {
    with(&app, |s| s.print_round_cards(selection_id, Lang::from_code(&lang)))
}

#[tauri::command]
pub fn card_scan(selection_id: i64, scan: String) -> Option<(u32, String)> {
    wijkstem::panel::parse_card(&scan).filter(|c| c.0 == selection_id).map(|c| (c.1, c.2))
}

/// Compute the draw by lot from the two CSV files chosen; seconds on a
/// large pool, so off the window's thread.
#[tauri::command]
pub async fn panel_draw_files(
    app: State<'_, App>,
    selection_id: i64,
    quotas_path: String,
    respondents_path: String,
    size: u32,
    lottery: u32,
) -> Res<DrawRecord> {
    with(&app, |s| s.panel_draw_files(selection_id, &quotas_path, &respondents_path, size, lottery as usize))
}

#[tauri::command]
pub fn panel_pick(app: State<'_, App>, selection_id: i64, pick: Pick) -> Res<DrawPick> {
    with(&app, |s| s.panel_pick(selection_id, &pick))
}

#[tauri::command]
pub fn replacement_candidates(app: State<'_, App>, selection_id: i64, member: String) -> Res<Vec<String>> {
    with(&app, |s| s.replacement_candidates(selection_id, &member))
}

#[tauri::command]
pub fn replace_member(
    app: State<'_, App>,
    selection_id: i64,
    member: String,
    pick: Pick,
    reason: String,
) -> Res<Replacement> {
    with(&app, |s| s.replace_member(selection_id, &member, &pick, &reason))
}

#[tauri::command]
pub fn panel_draw_record(app: State<'_, App>, selection_id: i64) -> Res<Option<DrawRecord>> {
    with(&app, |s| s.panel_draw_record(selection_id))
}

#[tauri::command]
pub fn print_lottery(app: State<'_, App>, selection_id: i64, lang: String) -> Res<String> {
    with(&app, |s| s.print_lottery(selection_id, Lang::from_code(&lang)))
}

#[tauri::command]
pub fn close_panel(app: State<'_, App>, selection_id: i64) -> Res<()> {
    with(&app, |s| s.close_panel(selection_id))
}

#[tauri::command]
pub fn panel_state(app: State<'_, App>, selection_id: i64) -> Res<PanelState> {
    with(&app, |s| s.panel_state(selection_id))
}

#[tauri::command]
pub fn projector(app: State<'_, App>, selection_id: i64, lang: String) -> Res<ProjectorView> {
    with(&app, |s| s.projector(selection_id, Lang::from_code(&lang)))
}

#[tauri::command]
pub fn panel_package(app: State<'_, App>, selection_id: i64, lang: String) -> Res<PanelPackage> {
    with(&app, |s| s.panel_package(selection_id, Lang::from_code(&lang)))
}

/// Open (or bring forward) the read-only view window for a projector or a
/// second screen. Its capability allows reading only.
#[tauri::command]
pub fn open_view_window(handle: tauri::AppHandle, view: String, selection_id: i64) -> Result<(), String> {
    crate::shell::open_view(&handle, &view, selection_id)
}

#[tauri::command]
pub fn differences(app: State<'_, App>, selection_id: i64) -> Res<Vec<wijkstem::paper::review::DifferenceView>> {
    with(&app, |s| s.differences(selection_id))
}

#[tauri::command]
pub fn tally(app: State<'_, App>, selection_id: i64, rule: String, lang: String) -> Res<TallyView> {
    with(&app, |s| s.tally_view(selection_id, &rule, Lang::from_code(&lang)))
}

/// This laptop's key id: what a coordinator admits a counting station by.
#[tauri::command]
pub fn station_key_id(app: State<'_, App>, passphrase: Option<String>) -> Res<String> {
    with(&app, |s| s.station_key_id(passphrase.as_deref()))
}

/// Whether the selection is a counting station's copy, and of what.
#[tauri::command]
pub fn station_origin(app: State<'_, App>, selection_id: i64) -> Res<Option<Origin>> {
    with(&app, |s| s.station_origin(selection_id))
}

/// Coordinator: write the signed set-up package into the export folder.
#[tauri::command]
pub fn export_setup_file(app: State<'_, App>, selection_id: i64, passphrase: Option<String>) -> Res<PackageFile> {
    with(&app, |s| s.export_setup_file(selection_id, passphrase.as_deref()))
}

/// Become a counting station from the set-up package chosen.
#[tauri::command]
pub fn import_setup_file(app: State<'_, App>, path: String, passphrase: Option<String>) -> Res<SetupImported> {
    with(&app, |s| s.import_setup_file(&path, passphrase.as_deref()))
}

#[tauri::command]
pub fn admit_station(app: State<'_, App>, selection_id: i64, key_id: String, name: String) -> Res<()> {
    with(&app, |s| s.admit_station(selection_id, &key_id, &name))
}

/// Counting station: write its package (all boxes or one; `hand_in`: done with it) into the export folder.
#[tauri::command]
pub fn export_station_file(
    app: State<'_, App>,
    selection_id: i64,
    box_name: Option<String>,
    hand_in: bool,
    passphrase: Option<String>,
) -> Res<PackageFile> {
    with(&app, |s| s.export_station_file(selection_id, box_name.as_deref(), hand_in, passphrase.as_deref()))
}

/// Coordinator: import a station package chosen (all or nothing).
#[tauri::command]
pub fn import_station_file(app: State<'_, App>, selection_id: i64, path: String) -> Res<PackageImport> {
    with(&app, |s| s.import_station_file(selection_id, &path))
}

#[tauri::command]
pub fn stations(app: State<'_, App>, selection_id: i64) -> Res<Vec<StationView>> {
    with(&app, |s| s.stations(selection_id))
}

#[tauri::command]
pub fn station_conflicts(app: State<'_, App>, selection_id: i64) -> Res<Vec<ConflictView>> {
    with(&app, |s| s.station_conflicts(selection_id))
}

#[tauri::command]
pub fn settle_conflict(app: State<'_, App>, selection_id: i64, conflict_id: i64, note: String) -> Res<()> {
    with(&app, |s| s.settle_conflict(selection_id, conflict_id, &note))
}

/// Coordinator: import the online vote from the file chosen (.pb or .csv; all or nothing).
#[tauri::command]
pub fn import_online_file(app: State<'_, App>, selection_id: i64, path: String) -> Res<OnlineReport> {
    with(&app, |s| s.import_online_file(selection_id, &path))
}

/// Coordinator: compare an offline desk's list of pseudonyms (the file chosen) with the online voters.
#[tauri::command]
pub fn check_desk_list_file(app: State<'_, App>, selection_id: i64, path: String) -> Res<DeskCheck> {
    with(&app, |s| s.check_desk_list_file(selection_id, &path))
}
