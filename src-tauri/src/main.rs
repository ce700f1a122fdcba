//! Wijkstem desktop shell. It opens the database, wires the window and turns
//! each IPC command into exactly one core call. No domain logic lives here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::sync::Mutex;

use tauri::State;
use wijkstem::audit::ChainReport;
use wijkstem::ballot::Marks;
use wijkstem::csv_import::ImportReport;
use wijkstem::i18n::Lang;
use wijkstem::paper::{EntryReceipt, PaperSettings, TallyView};
use wijkstem::problem::Failure;
use wijkstem::selection::{Plan, PlanInput, Selection, SelectionInput};
use wijkstem::session::{Res, Session, StartupInfo};
use wijkstem::store::Store;

struct App {
    session: Mutex<Result<Session, Failure>>,
    startup: StartupInfo,
}

fn with<T>(app: &State<'_, App>, f: impl FnOnce(&mut Session) -> Res<T>) -> Res<T> {
    // A poisoned lock means an earlier command panicked mid-way; SQLite rolled
    // that transaction back, so continuing with the session is safe.
    let mut guard = app.session.lock().unwrap_or_else(|p| p.into_inner());
    match guard.as_mut() {
        Ok(s) => f(s),
        Err(failure) => Err(failure.clone()),
    }
}

#[tauri::command]
fn startup_info(app: State<'_, App>) -> StartupInfo {
    app.startup.clone()
}

#[tauri::command]
fn sign_in(app: State<'_, App>, name: String) -> Res<String> {
    with(&app, |s| s.sign_in(&name))
}

#[tauri::command]
fn sign_out(app: State<'_, App>) -> Res<()> {
    with(&app, |s| s.sign_out())
}

#[tauri::command]
fn list_selections(app: State<'_, App>) -> Res<Vec<Selection>> {
    with(&app, |s| s.selections())
}

#[tauri::command]
fn get_selection(app: State<'_, App>, id: i64) -> Res<Selection> {
    with(&app, |s| s.selection(id))
}

#[tauri::command]
fn create_selection(app: State<'_, App>, input: SelectionInput) -> Res<Selection> {
    with(&app, |s| s.create_selection(&input))
}

#[tauri::command]
fn update_selection(app: State<'_, App>, id: i64, input: SelectionInput) -> Res<Selection> {
    with(&app, |s| s.update_selection(id, &input))
}

#[tauri::command]
fn list_plans(app: State<'_, App>, selection_id: i64) -> Res<Vec<Plan>> {
    with(&app, |s| s.plans(selection_id))
}

#[tauri::command]
fn add_plan(app: State<'_, App>, selection_id: i64, input: PlanInput) -> Res<Plan> {
    with(&app, |s| s.add_plan(selection_id, &input))
}

#[tauri::command]
fn update_plan(app: State<'_, App>, plan_id: i64, input: PlanInput) -> Res<Plan> {
    with(&app, |s| s.update_plan(plan_id, &input))
}

#[tauri::command]
fn remove_plan(app: State<'_, App>, plan_id: i64) -> Res<()> {
    with(&app, |s| s.remove_plan(plan_id))
}

#[tauri::command]
fn import_plans_csv(app: State<'_, App>, selection_id: i64, contents: String, file_name: String) -> Res<ImportReport> {
    with(&app, |s| s.import_plans_csv(selection_id, contents.as_bytes(), &file_name))
}

#[tauri::command]
fn audit_verify(app: State<'_, App>) -> Res<ChainReport> {
    with(&app, |s| s.audit_verify())
}

#[tauri::command]
fn paper_settings(app: State<'_, App>, selection_id: i64) -> Res<Option<PaperSettings>> {
    with(&app, |s| s.paper_settings(selection_id))
}

#[tauri::command]
fn set_paper_settings(app: State<'_, App>, selection_id: i64, settings: PaperSettings) -> Res<()> {
    with(&app, |s| s.set_paper_settings(selection_id, &settings))
}

#[tauri::command]
fn print_ballots(app: State<'_, App>, selection_id: i64, count: u32, per_page: u8, lang: String) -> Res<String> {
    with(&app, |s| s.print_ballots_to_file(selection_id, count, per_page, Lang::from_code(&lang)))
}

#[tauri::command]
fn enter_ballot(app: State<'_, App>, selection_id: i64, scan: String, marks: Marks, doubtful: Option<String>) -> Res<EntryReceipt> {
    with(&app, |s| s.enter_ballot(selection_id, &scan, &marks, doubtful.as_deref()))
}

#[tauri::command]
fn reconciliation_queue(app: State<'_, App>, selection_id: i64) -> Res<Vec<String>> {
    with(&app, |s| s.reconciliation_queue(selection_id))
}

#[tauri::command]
fn resolve_difference(app: State<'_, App>, selection_id: i64, serial: String, keep: Option<u8>) -> Res<()> {
    with(&app, |s| s.resolve_difference(selection_id, &serial, keep))
}

#[tauri::command]
fn tally(app: State<'_, App>, selection_id: i64, rule: String, lang: String) -> Res<TallyView> {
    with(&app, |s| s.tally_view(selection_id, &rule, Lang::from_code(&lang)))
}

fn db_path_from_args() -> PathBuf {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--db" {
            if let Some(p) = args.next() {
                return PathBuf::from(p);
            }
        } else if let Some(p) = a.strip_prefix("--db=") {
            return PathBuf::from(p);
        }
    }
    Store::default_path()
}

fn main() {
    // Note: WEBKIT_DISABLE_DMABUF_RENDERER / WEBKIT_DISABLE_COMPOSITING_MODE
    // would save ~90 MB, but with either set WebKitWebDriver hangs on
    // screenshots after the first page change, so the app we ship would no
    // longer be the app we test. Left to the environment (see benches/startup.py).
    let path = db_path_from_args();
    let (session, startup) = Session::start(&path);
    tauri::Builder::default()
        .manage(App { session: Mutex::new(session), startup })
        .invoke_handler(tauri::generate_handler![
            startup_info,
            sign_in,
            sign_out,
            list_selections,
            get_selection,
            create_selection,
            update_selection,
            list_plans,
            add_plan,
            update_plan,
            remove_plan,
            import_plans_csv,
            audit_verify,
            paper_settings,
            set_paper_settings,
            print_ballots,
            enter_ballot,
            reconciliation_queue,
            resolve_difference,
            tally
        ])
        .run(tauri::generate_context!())
        .expect("Wijkstem could not start its window");
}
