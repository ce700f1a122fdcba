const COMMANDS: &[&str] = &[
    "startup_info",
    "sign_in",
    "sign_out",
    "list_selections",
    "get_selection",
    "create_selection",
    "update_selection",
    "list_plans",
    "add_plan",
    "update_plan",
    "remove_plan",
    "import_plans_csv",
    "audit_verify",
    "paper_settings",
    "set_paper_settings",
    "print_ballots",
    "enter_ballot",
    "reconciliation_queue",
    "tally",
    "list_boxes",
    "create_box",
    "close_box",
    "reopen_box",
    "print_box_cover",
    "box_scan",
    "set_entry_paused",
    "save_draft",
    "get_draft",
    "clear_draft",
    "progress",
    "close_count",
    "rechecks",
    "recheck_entry",
    "reviews",
    "decide_doubtful",
    "explain_warning",
    "export_records",
    "open_view_window",
    "resolve",
];

fn main() {
    // Declaring the commands makes each one a permission, so the capability
    // file decides exactly what the webview may call.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)))
        .expect("tauri build script");
}
