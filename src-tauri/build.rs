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
    "resolve_difference",
    "tally",
];

fn main() {
    // Declaring the commands makes each one a permission, so the capability
    // file decides exactly what the webview may call.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)))
        .expect("tauri build script");
}
