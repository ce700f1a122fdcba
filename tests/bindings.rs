//! The TypeScript types at the IPC boundary are generated from the Rust types.
//! This test fails when `ui/src/bindings.ts` drifts from them; regenerate with
//! `UPDATE_BINDINGS=1 cargo test --test bindings`.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

use ts_rs::TS;
use wijkstem::panel::{Member, PanelPackage, PanelState, ProjectedPlan, ProjectorView, RoundFormat, RoundState};
use wijkstem::paper::ballot::{BallotStyle, EntryRules, Finding, Marks, Treat, Verdict};
use wijkstem::paper::boxes::{BoxInput, BoxView, ProgressView};
use wijkstem::paper::review::{DifferenceView, EntrySide, Recheck, Resolution, ReviewItem};
use wijkstem::paper::{EntryReceipt, PaperSettings, TallyPlan, TallyView};
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
        RoundState::decl(),
        PanelState::decl(),
        ProjectedPlan::decl(),
        ProjectorView::decl(),
        PanelPackage::decl(),
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
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings.ts");
    let want = generated();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "ui/src/bindings.ts is out of date: run `UPDATE_BINDINGS=1 cargo test --test bindings`");
    assert!(want.contains("export type Selection"));
}
