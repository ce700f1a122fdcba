//! Gelote wijkpanels: quorum, one vote per present member per round, limits,
//! amendments that change costs or withdraw plans, the projector's budget
//! line and movement, freeze and reveal, and the final package.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

mod common;
use common::codes;

use wijkstem::i18n::Lang;
use wijkstem::panel::RoundFormat;
use wijkstem::session::Session;

const BP: i64 = 3;

fn members(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("P{i:02}")).collect()
}

fn v(pairs: &[(&str, u32)]) -> Vec<(String, u32)> {
    pairs.iter().map(|(c, x)| (c.to_string(), *x)).collect()
}

#[test]
fn rounds_quorum_votes_amendments_and_the_projector() {
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "Moderator").unwrap();
    s.load_demo().unwrap();
    // Round 1: points, 10 present (quorum is 12).
    let r1 = s.open_round(BP, &RoundFormat::Points { per_member: 5 }, &members(10)).unwrap();
    assert_eq!(r1, 1);
    assert_eq!(codes(&s.open_round(BP, &RoundFormat::Ranking, &members(3)).unwrap_err()), ["panel.round_open"]);
    s.cast_vote(BP, 1, "p01", &v(&[("WE01", 3), ("WE02", 2)])).unwrap();
    assert_eq!(codes(&s.cast_vote(BP, 1, "P01", &v(&[("WE03", 5)])).unwrap_err()), ["panel.voted_twice"]);
    assert_eq!(codes(&s.cast_vote(BP, 1, "P15", &v(&[("WE03", 5)])).unwrap_err()), ["panel.absent"]);
    assert_eq!(codes(&s.cast_vote(BP, 1, "P99", &v(&[("WE03", 5)])).unwrap_err()), ["panel.unknown_member"]);
    assert_eq!(codes(&s.cast_vote(BP, 1, "P02", &v(&[("WE03", 6)])).unwrap_err()), ["panel.points_over"]);
    assert_eq!(codes(&s.cast_vote(BP, 1, "P02", &v(&[("XX01", 1)])).unwrap_err()), ["panel.plan_not_in"]);
    for m in ["P02", "P03", "P04"] {
        s.cast_vote(BP, 1, m, &v(&[("WE03", 5)])).unwrap();
    }
    s.cast_vote(BP, 1, "P05", &v(&[("WE02", 5)])).unwrap();
    // While entering, the projector shows how many votes are in and no
    // scores, so no two screens differ by one member's vote.
    let hidden = s.projector(BP, Lang::Nl).unwrap();
    assert!(hidden.frozen && hidden.votes == 5 && hidden.consent.is_none());
    assert!(hidden.plans.iter().all(|x| x.score_text.is_empty() && x.bar == 0 && !x.fits));
    let codes_in_order: Vec<&str> = hidden.plans.iter().map(|x| x.code.as_str()).collect();
    let mut sorted = codes_in_order.clone();
    sorted.sort();
    assert_eq!(codes_in_order, sorted, "in plan order, not by score");
    // The moderator reveals. WE03 15, WE02 7, WE01 3.
    s.set_frozen(BP, false).unwrap();
    let p = s.projector(BP, Lang::Nl).unwrap();
    assert_eq!(p.plans.iter().take(3).map(|x| x.code.as_str()).collect::<Vec<_>>(), ["WE03", "WE02", "WE01"]);
    assert_eq!((p.votes, p.present, p.round), (5, 10, 1));
    assert!(p.plans.iter().all(|x| x.moved.is_none()), "no movement in round 1");
    assert_eq!(p.plans[0].bar, 1000);
    // Budget 60,000: WE03 26,500 + WE02 3,800 + WE01 21,000 = 51,300 fit; unvoted plans are under the line.
    assert!(p.plans[..3].iter().all(|x| x.fits));
    assert!(p.plans[3..].iter().all(|x| !x.fits));
    // Freeze while entering: the projector keeps the revealed picture.
    s.set_frozen(BP, true).unwrap();
    s.cast_vote(BP, 1, "P06", &v(&[("WE01", 5)])).unwrap();
    let frozen = s.projector(BP, Lang::Nl).unwrap();
    assert!(frozen.frozen && frozen.votes == 6, "the counter moves");
    assert_eq!(frozen.plans, p.plans, "the picture does not");
    s.set_frozen(BP, false).unwrap();
    assert_eq!(s.projector(BP, Lang::Nl).unwrap().votes, 6);
    // No quorum: closing needs a reason.
    assert_eq!(codes(&s.close_round(BP, 1, None).unwrap_err()), ["panel.no_quorum"]);
    s.close_round(BP, 1, Some("Twee leden ziek; panel beslist toch verder")).unwrap();
    assert_eq!(codes(&s.cast_vote(BP, 1, "P07", &v(&[("WE01", 5)])).unwrap_err()), ["panel.round_closed"]);

    // Between rounds: WE03 gets cheaper, WE05 is merged into WE08, reasons required.
    assert_eq!(codes(&s.amend(BP, "WE03", Some(1_800_000), false, None, " ").unwrap_err()), ["panel.reason_required"]);
    assert_eq!(codes(&s.amend(BP, "WE03", None, false, None, "niets").unwrap_err()), ["panel.amend_one_change"]);
    assert_eq!(codes(&s.amend(BP, "WE03", Some(5), true, None, "beide").unwrap_err()), ["panel.amend_one_change"]);
    assert_eq!(codes(&s.amend(BP, "WE03", None, false, Some("WE03"), "zelf").unwrap_err()), ["panel.merge_self"]);
    s.amend(BP, "WE03", Some(1_800_000), false, None, "Gedeelde keuken in bestaand lokaal").unwrap();
    s.amend(BP, "WE08", Some(1_000_000), false, Some("WE05"), "Bankjes en bloembakken samen").unwrap();
    s.amend(BP, "WE06", None, true, None, "Indiener trok het plan in").unwrap();
    assert_eq!(s.panel_state(BP).unwrap().amendments.len(), 3);

    // Round 2: approval up to 2, 12 present: quorum met.
    s.open_round(BP, &RoundFormat::Approval { max: 2 }, &members(12)).unwrap();
    assert_eq!(
        codes(&s.cast_vote(BP, 2, "P01", &v(&[("WE05", 1)])).unwrap_err()),
        ["panel.plan_not_in"],
        "merged away"
    );
    assert_eq!(
        codes(&s.cast_vote(BP, 2, "P01", &v(&[("WE01", 1), ("WE02", 1), ("WE03", 1)])).unwrap_err()),
        ["panel.approval_over"]
    );
    for m in members(12) {
        let pick = if m.as_str() < "P07" { v(&[("WE01", 1), ("WE08", 1)]) } else { v(&[("WE03", 1)]) };
        s.cast_vote(BP, 2, &m, &pick).unwrap();
    }
    let p = s.projector(BP, Lang::Nl).unwrap();
    let pos = |c: &str| p.plans.iter().position(|x| x.code == c).unwrap();
    // WE01 6, WE08 6, WE03 6 -> tie broken by code: WE01, WE03, WE08.
    assert_eq!((pos("WE01"), pos("WE03"), pos("WE08")), (0, 1, 2));
    assert_eq!(p.plans[pos("WE01")].moved, Some(1), "WE01 climbed from second (8 points after P06) to first");
    assert_eq!(p.plans[pos("WE03")].moved, Some(-1));
    assert_eq!(p.plans[pos("WE03")].cost_cents, 1_800_000, "the amended cost");
    assert!(!p.plans.iter().any(|x| x.code == "WE06" || x.code == "WE05"));
    s.close_round(BP, 2, None).unwrap();
    let pkg = s.panel_package(BP, Lang::Nl).unwrap();
    // WE01 21,000 + WE03 18,000 + WE08 10,000 = 49,000 within 60,000.
    assert_eq!(pkg.funded, ["WE01", "WE03", "WE08"]);
    assert_eq!(pkg.total_cost_cents, 4_900_000);
    // A final consent round on that package, with one objection written down.
    s.open_round(BP, &RoundFormat::Consent, &members(12)).unwrap();
    assert_eq!(codes(&s.cast_vote(BP, 3, "P01", &v(&[("WE01", 1)])).unwrap_err()), ["panel.consent_round"]);
    assert_eq!(codes(&s.record_consent(BP, 3, "P01", false, "").unwrap_err()), ["panel.objection_required"]);
    s.record_consent(BP, 3, "P01", false, "WE08 is te duur voor bloembakken").unwrap();
    for m in members(12).into_iter().skip(1) {
        s.record_consent(BP, 3, &m, true, "").unwrap();
    }
    assert_eq!(codes(&s.record_consent(BP, 3, "P02", true, "").unwrap_err()), ["panel.answered_twice"]);
    assert_eq!(s.projector(BP, Lang::Nl).unwrap().consent, Some((11, 1)));
    s.close_round(BP, 3, None).unwrap();
    assert_eq!(
        s.panel_package(BP, Lang::Nl).unwrap().funded,
        ["WE01", "WE03", "WE08"],
        "consent keeps the voted package"
    );
    s.close_panel(BP).unwrap();

    // The signed bundle: verifies, and recounts from the anonymous round records.
    let dir = tempfile::tempdir().unwrap();
    let signer = wijkstem::output::signing::Signer::load_or_create(dir.path(), None).unwrap();
    let zip = wijkstem::output::bundle::export::export_bundle(
        s.store().db(),
        BP,
        &signer,
        s.store().clock().stamp(),
        Lang::Nl,
    )
    .unwrap();
    let r = wijkstem::output::bundle::verify(&zip, Some(&signer.pk));
    assert!(r.ok(), "{:?}", r.problems);
    let parts = wijkstem::output::bundle::export::bundle_parts(s.store().db(), BP, &signer.key_id(), Lang::Nl).unwrap();
    assert_eq!(parts.report.funded, ["WE01", "WE03", "WE08"]);
    let notes = parts.report.notes.join("\n");
    for want in [
        "Twee leden ziek",
        "Gedeelde keuken in bestaand lokaal",
        "samengevoegd met WE05",
        "WE08 is te duur",
        "11 akkoord",
    ] {
        assert!(notes.contains(want), "report notes lack {want:?}: {notes}");
    }
    let rounds = String::from_utf8(parts.files["records/rounds.json"].clone()).unwrap();
    assert!(!rounds.contains("\"P0") && !rounds.contains("\"P1"), "no member code in the bundle's votes");

    assert!(s.audit_verify().unwrap().broken_at.is_none());
    // The audit log says who voted, never how.
    let votes: Vec<_> = s.audit_log(500).unwrap().into_iter().filter(|e| e.action == "panel.vote").collect();
    assert!(votes.iter().all(|e| e.after.is_none()));
}

#[test]
fn round_cards_print_a_qr_per_present_member() {
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("WIJKSTEM_EXPORT_DIR", dir.path());
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "M").unwrap();
    s.load_demo().unwrap();
    s.open_round(BP, &RoundFormat::Approval { max: 2 }, &members(3)).unwrap();
    let pdf = s.print_round_cards(BP, Lang::Nl).unwrap();
    if let Some(codes) = common::pdf_qr_codes(std::path::Path::new(&pdf), dir.path()) {
        let mut found: Vec<_> = codes.iter().map(|l| wijkstem::panel::parse_card(l).expect("a valid card")).collect();
        found.sort();
        assert_eq!(found, members(3).into_iter().map(|m| (BP, 1, m)).collect::<Vec<_>>());
    }
    assert_eq!(wijkstem::panel::parse_card(&wijkstem::panel::card_payload(BP, 1, "P01").replace("P01", "P02")), None);
}

/// A whole panel from the command line only: members, a points round (a
/// second vote and a vote over the limit refused), closing the round, the
/// package checked by hand, an amendment, closing the panel.
#[test]
fn cli_runs_a_whole_panel() {
    let room = common::CliRoom::new();
    let run = |args: &[&str]| room.run("Ann", args);
    let ok = |args: &[&str]| room.ok(args);
    let sel = room.selection("Muide", "panel");
    for m in ["M1", "M2", "M3"] {
        ok(&["panel", "member", &sel, m, &format!("Naam {m}")]);
    }
    ok(&["panel", "quorum", &sel, "2"]);
    let (bad, _, err) = run(&["panel", "open", &sel, "--format", "punten", "--present", "M1,M2,M3"]);
    assert!(!bad && err.contains("kies uit points:N"), "{err}");
    let round = ok(&["panel", "open", &sel, "--format", "points:5", "--present", "M1,M2,M3"]);
    ok(&["panel", "vote", &sel, &round, "M1", "A=3,B=2"]);
    ok(&["panel", "vote", &sel, &round, "M2", "B=5"]);
    let (twice, _, err) = run(&["panel", "vote", &sel, &round, "M2", "A=5"]);
    assert!(!twice && err.contains("stemde al"), "{err}");
    let (over, _, err) = run(&["panel", "vote", &sel, &round, "M3", "A=9"]);
    assert!(!over && err.contains("hoogstens 5"), "{err}");
    let state: serde_json::Value = serde_json::from_str(&ok(&["panel", "state", &sel])).unwrap();
    assert_eq!(state["rounds"][0]["voted"], serde_json::json!(["M1", "M2"]), "who voted, never what");
    ok(&["panel", "close-round", &sel, &round]);
    // B 7 points, A 3, C 0: B (€ 6.000) then A (€ 3.000) fit in € 10.000; listed by code.
    let package: serde_json::Value = serde_json::from_str(&ok(&["panel", "package", &sel])).unwrap();
    assert_eq!(package["funded"], serde_json::json!(["A", "B"]), "{package}");
    assert_eq!(package["total_cost_cents"], 900_000);
    let (no_reason, _, err) = run(&["panel", "amend", &sel, "C", "--cost", "4000", "--reason", " "]);
    assert!(!no_reason && err.contains("reden"), "{err}");
    ok(&["panel", "amend", &sel, "C", "--cost", "4000", "--reason", "goedkoper gevonden"]);
    let (bad, _, err) = run(&["panel", "freeze", &sel, "misschien"]);
    assert!(!bad && err.contains("on, off"), "{err}");
    ok(&["panel", "close", &sel]);
    let (late, _, _) = run(&["panel", "open", &sel, "--format", "ranking", "--present", "M1,M2"]);
    assert!(!late, "a closed panel opens no round");
}

/// A round is a real decision: a way of voting that can be used, people
/// present (each once), a quorum the panel can reach, votes in the round's
/// own terms, and at least one vote before it closes.
#[test]
fn a_round_needs_a_usable_format_people_present_and_votes() {
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "Moderator").unwrap();
    s.load_demo().unwrap();
    let members_n = s.panel_state(BP).unwrap().members.len();
    assert_eq!(codes(&s.set_quorum(BP, 0).unwrap_err()), ["panel.bad_quorum"]);
    assert_eq!(codes(&s.set_quorum(BP, members_n as u32 + 1).unwrap_err()), ["panel.bad_quorum"]);
    let open = |s: &mut Session, f: RoundFormat, present: &[String]| s.open_round(BP, &f, present);
    assert_eq!(
        codes(&open(&mut s, RoundFormat::Points { per_member: 0 }, &members(5)).unwrap_err()),
        ["panel.bad_points"]
    );
    assert_eq!(
        codes(&open(&mut s, RoundFormat::Approval { max: 0 }, &members(5)).unwrap_err()),
        ["panel.bad_approval"]
    );
    assert_eq!(
        codes(&open(&mut s, RoundFormat::Approval { max: 99 }, &members(5)).unwrap_err()),
        ["panel.bad_approval"]
    );
    assert_eq!(codes(&open(&mut s, RoundFormat::Ranking, &[]).unwrap_err()), ["panel.nobody_present"]);
    let twice = vec!["P01".to_string(), "P01".to_string()];
    assert_eq!(codes(&open(&mut s, RoundFormat::Ranking, &twice).unwrap_err()), ["panel.present_twice"]);
    assert!(s.panel_state(BP).unwrap().rounds.is_empty(), "nothing opened by a refusal");
    let r = open(&mut s, RoundFormat::Approval { max: 2 }, &members(12)).unwrap();
    assert_eq!(codes(&s.close_round(BP, r, None).unwrap_err()), ["panel.no_votes"]);
    assert_eq!(codes(&s.cast_vote(BP, r, "P01", &v(&[("WE01", 2)])).unwrap_err()), ["panel.approval_value"]);
    s.cast_vote(BP, r, "P01", &v(&[("WE01", 1), ("WE02", 1)])).unwrap();
    s.close_round(BP, r, None).unwrap();
    // WE01 and WE02 tie at one mark each: the explanation says how the tie went.
    let pkg = s.panel_package(BP, Lang::Nl).unwrap();
    assert!(pkg.explanation.iter().any(|l| l.contains("WE01 > WE02")), "{:?}", pkg.explanation);
    let r = open(&mut s, RoundFormat::Ranking, &members(12)).unwrap();
    assert_eq!(codes(&s.cast_vote(BP, r, "P01", &v(&[("WE01", 1), ("WE02", 0)])).unwrap_err()), ["panel.rank_zero"]);
    s.cast_vote(BP, r, "P01", &v(&[("WE01", 1)])).unwrap();
    s.close_round(BP, r, None).unwrap();
    let r = open(&mut s, RoundFormat::Consent, &members(12)).unwrap();
    assert_eq!(codes(&s.record_consent(BP, r, "P01", true, "toch bezwaar").unwrap_err()), ["panel.agree_or_object"]);
}

/// Every write of a panel evening (quorum, a round opened, votes, a refused
/// vote, an amendment, freezing, closing the round and the panel) reads
/// what it checks inside its own transaction.
#[test]
fn every_panel_write_checks_inside_its_transaction() {
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "Moderator").unwrap();
    s.load_demo().unwrap();
    let mut walk = common::WriteWalk::start(&mut s);
    let r = s.set_quorum(BP, 3).is_ok();
    walk.call("quorum", r);
    let r = s.add_member(BP, "X01", "Xavier").is_ok();
    walk.call("member", r);
    let r = s.open_round(BP, &RoundFormat::Points { per_member: 5 }, &members(4)).is_ok();
    walk.call("open round", r);
    for m in ["P01", "P02", "P03"] {
        let r = s.cast_vote(BP, 1, m, &v(&[("WE01", 3), ("WE02", 2)])).is_ok();
        walk.call("vote", r);
    }
    let r = s.cast_vote(BP, 1, "P01", &v(&[("WE01", 3)])).is_err();
    walk.call("vote twice", r);
    let r = s.set_frozen(BP, false).is_ok();
    walk.call("reveal", r);
    let r = s.close_round(BP, 1, None).is_ok();
    walk.call("close round", r);
    let r = s.amend(BP, "WE03", Some(1_800_000), false, None, "offerte lager").is_ok();
    walk.call("amend", r);
    let r = s.close_panel(BP).is_ok();
    walk.call("close panel", r);
    walk.finish(&mut s);
}
