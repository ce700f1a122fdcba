//! The TypeScript types at the IPC boundary are generated from the Rust types.
//! This test fails when `ui/src/common/bindings.ts` drifts from them; regenerate with
//! `UPDATE_BINDINGS=1 cargo test --test bindings`.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

use ts_rs::TS;
use wijkstem::panel::{
    AmendmentView, Member, PanelPackage, PanelState, ProjectedPlan, ProjectorView, RoundFormat, RoundState,
};
use wijkstem::paper::ballot::{BallotStyle, EntryRules, Finding, Marks, Treat, Verdict};
use wijkstem::paper::boxes::{BoxInput, BoxView, ProgressView};
use wijkstem::paper::review::{DifferenceView, EntrySide, Recheck, Resolution, ReviewItem};
use wijkstem::paper::{EntryReceipt, EntryScreen, PaperSettings, TallyPlan, TallyView};
use wijkstem::problem::{Failure, Problem};
use wijkstem::selection::csv_import::ImportReport;
use wijkstem::selection::{Method, Plan, PlanInput, Selection, SelectionInput, Status};
use wijkstem::session::{
    AboutInfo, BackupStatus, BundleExport, ChainHead, Location, Recovery, StartupInfo, VerifyView,
};
use wijkstem::storage::audit::{AuditEvent, ChainBreak, ChainReport};
use wijkstem::storage::backup::{BackupInfo, BackupSelection, BackupSettings};
use wijkstem::tables::{
    RankedPlan, RoundView, TableInput, TableSettings, TableView, TablesOverview, VerdictFormat, VerdictInput,
};

fn generated() -> String {
    let decls = [
        Problem::decl(),
        Failure::decl(),
        StartupInfo::decl(),
        wijkstem::storage::store::Changed::decl(),
        AboutInfo::decl(),
        wijkstem::roster::Role::decl(),
        wijkstem::roster::RosterMember::decl(),
        wijkstem::roster::SignedIn::decl(),
        wijkstem::roster::DemoSignIn::decl(),
        wijkstem::roster::SignInScreen::decl(),
        ChainHead::decl(),
        Method::decl(),
        Status::decl(),
        Selection::decl(),
        SelectionInput::decl(),
        Plan::decl(),
        PlanInput::decl(),
        ImportReport::decl(),
        AuditEvent::decl(),
        ChainReport::decl(),
        ChainBreak::decl(),
        BallotStyle::decl(),
        PaperSettings::decl(),
        Marks::decl(),
        Verdict::decl(),
        Finding::decl(),
        EntryReceipt::decl(),
        TallyView::decl(),
        TallyPlan::decl(),
        Treat::decl(),
        EntryRules::decl(),
        BoxView::decl(),
        BoxInput::decl(),
        ProgressView::decl(),
        EntryScreen::decl(),
        Recheck::decl(),
        EntrySide::decl(),
        DifferenceView::decl(),
        Resolution::decl(),
        ReviewItem::decl(),
        BundleExport::decl(),
        VerifyView::decl(),
        Recovery::decl(),
        Location::decl(),
        BackupSettings::decl(),
        BackupInfo::decl(),
        BackupSelection::decl(),
        BackupStatus::decl(),
        VerdictFormat::decl(),
        TableSettings::decl(),
        TableInput::decl(),
        VerdictInput::decl(),
        TableView::decl(),
        RankedPlan::decl(),
        RoundView::decl(),
        TablesOverview::decl(),
        RoundFormat::decl(),
        Member::decl(),
        AmendmentView::decl(),
        RoundState::decl(),
        PanelState::decl(),
        wijkstem::panel::lot::Chance::decl(),
        wijkstem::panel::lot::DrawPick::decl(),
        wijkstem::panel::lot::DrawRecord::decl(),
        wijkstem::panel::lot::Pick::decl(),
        wijkstem::panel::lot::Replacement::decl(),
        ProjectedPlan::decl(),
        ProjectorView::decl(),
        PanelPackage::decl(),
        wijkstem::session::PackageFile::decl(),
        wijkstem::session::SetupImported::decl(),
        wijkstem::station::Origin::decl(),
        wijkstem::station::PackageImport::decl(),
        wijkstem::station::StationView::decl(),
        wijkstem::station::StationBoxView::decl(),
        wijkstem::station::ConflictView::decl(),
        wijkstem::paper::online::OnlineReport::decl(),
        wijkstem::paper::online::DeskCheck::decl(),
    ];
    let mut out = String::from(
        "// Generated from the Rust core by tests/bindings.rs. Do not edit:\n// run `UPDATE_BINDINGS=1 cargo test --test bindings` after changing a Rust type.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out
}

#[test]
fn typescript_bindings_are_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/common/bindings.ts");
    let want = generated();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "ui/src/common/bindings.ts is out of date: run `UPDATE_BINDINGS=1 cargo test --test bindings`"
    );
    assert!(want.contains("export type Selection"));
}

/// The commands are declared once (`src-tauri/src/commands.rs`); the shell's
/// handler list and permissions are made from them at build time, and the
/// UI's typed calls, the main window's capability and the permission files
/// must agree with them.
mod declare {
    #![allow(dead_code)]
    include!("../src-tauri/declare.rs");
}

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn declared_commands() -> Vec<declare::Declared> {
    declare::declared(&std::fs::read_to_string(root().join("src-tauri/src/commands.rs")).unwrap())
}

#[test]
fn ui_calls_are_made_from_the_declared_commands() {
    let decls = declared_commands();
    assert!(decls.len() > 80, "the commands were read: {}", decls.len());
    let enter = decls.iter().find(|d| d.name == "enter_ballot").unwrap();
    let args: Vec<&str> = enter.args.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(args, ["selection_id", "box_id", "scan", "marks", "doubtful"], "State is not an argument");
    let want = declare::typescript(&decls);
    let path = root().join("ui/src/common/commands.ts");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "ui/src/common/commands.ts is out of date: run `UPDATE_BINDINGS=1 cargo test --test bindings`"
    );
    assert!(want.contains(
        "enterBallot: (selectionId: number, boxId: number | null, scan: string, marks: Marks, doubtful: string | null) => p.call<EntryReceipt>(\"enter_ballot\", { selectionId, boxId, scan, marks, doubtful }),"
    ));
}

/// The events the shell pushes are named alike on both sides.
#[test]
fn pushed_events_are_named_alike_in_the_shell_and_the_ui() {
    let shell = std::fs::read_to_string(root().join("src-tauri/src/shell.rs")).unwrap();
    let ui = std::fs::read_to_string(root().join("ui/src/common/platform.ts")).unwrap();
    let names: Vec<&str> = shell
        .lines()
        .filter(|l| l.starts_with("pub const") && l.contains("&str"))
        .filter_map(|l| l.split('"').nth(1))
        .collect();
    assert_eq!(names, ["wijkstem://changed", "wijkstem://backup"]);
    for n in names {
        assert!(ui.contains(&format!("\"{n}\"")), "ui/src/common/platform.ts does not name {n}");
    }
}

#[test]
fn capabilities_and_permissions_name_exactly_the_declared_commands() {
    let decls = declared_commands();
    let names: std::collections::BTreeSet<String> = decls.iter().map(|d| d.name.clone()).collect();
    let main = std::fs::read_to_string(root().join("src-tauri/capabilities/main.json")).unwrap();
    assert_eq!(main, declare::main_capability(&decls), "capabilities/main.json is made by the shell's build script");
    // The read-only window may call only declared commands, and none that writes.
    let view = std::fs::read_to_string(root().join("src-tauri/capabilities/view.json")).unwrap();
    let view_perms: Vec<String> = view
        .lines()
        .filter_map(|l| {
            l.trim().trim_end_matches(',').trim_matches('"').strip_prefix("allow-").map(|p| p.replace('-', "_"))
        })
        .collect();
    assert!(!view_perms.is_empty());
    for p in &view_perms {
        assert!(names.contains(p), "view.json allows `{p}`, which is not a command");
    }
    assert!(view_perms
        .iter()
        .all(|p| ["startup_info", "progress", "get_selection", "projector"].contains(&p.as_str())));
    // No permission file is left over from a removed command.
    let files: std::collections::BTreeSet<String> =
        std::fs::read_dir(root().join("src-tauri/permissions/autogenerated"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().trim_end_matches(".toml").to_string())
            .filter(|n| n != "reference.md")
            .collect();
    assert_eq!(files, names, "src-tauri/permissions/autogenerated differs from the declared commands");
}
