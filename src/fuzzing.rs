//! The properties the fuzz targets check (`fuzz/`), kept in the library so
//! the regression test (`tests/fuzz_regressions.rs`) runs every saved input
//! through exactly the same checks on the stable toolchain. Each function
//! takes arbitrary bytes and panics only when a property is broken.

use crate::paper::ballot::{self, Serial};

/// Scanned text: never a panic; whatever is accepted re-encodes to itself.
pub fn qr(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(r) = ballot::parse_scan(text, 1) {
        if let Some(h) = &r.style_hash {
            let again = ballot::qr_payload(r.selection_id, &r.serial, h);
            assert_eq!(again, text.trim().to_ascii_uppercase(), "accepted payload re-encodes to itself");
        }
        assert_eq!(ballot::damm(&r.serial.0), Some(0), "accepted serial carries a valid check digit");
    }
    if let Some((sel, b)) = ballot::parse_box_scan(text) {
        assert_eq!(ballot::box_payload(sel, b), text.trim().to_ascii_uppercase());
    }
}

/// Typed serial: accepted only with a valid check digit, and the printed form reads back.
pub fn serial(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(s) = Serial::parse(text) {
        assert_eq!(s.0.len(), ballot::SERIAL_DIGITS + 1);
        assert_eq!(ballot::damm(&s.0), Some(0));
        assert_eq!(Serial::parse(&s.display()).expect("a displayed serial parses back"), s);
    }
}

/// A plans CSV: never a panic; all rows or none are imported.
pub fn csv(data: &[u8]) {
    let mut store = crate::storage::store::Store::open_in_memory().expect("in-memory database");
    let sel = store
        .create_selection(
            "fuzz",
            &crate::selection::SelectionInput {
                edition: "F".into(),
                wijk: "W".into(),
                budget_cents: 100_000,
                method: crate::selection::Method::Ballots,
            },
        )
        .expect("selection");
    match store.import_plans_csv("fuzz", sel.id, data, "fuzz.csv") {
        Ok(report) => {
            assert_eq!(crate::selection::list_plans(store.db(), sel.id).expect("plans list").len(), report.imported)
        }
        Err(e) => {
            assert!(!e.problems().is_empty(), "a refusal says why");
            assert!(
                crate::selection::list_plans(store.db(), sel.id).expect("plans list").is_empty(),
                "nothing imported on refusal"
            );
        }
    }
}

/// A result bundle: never a panic, never accepted without a valid signature.
pub fn bundle(data: &[u8]) {
    // A fixed public key nobody has the secret of: nothing may verify.
    let pk = minisign::PublicKey::from_base64("RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3")
        .expect("a valid key");
    let r = crate::output::bundle::verify(data, Some(&pk));
    assert!(!r.ok(), "a bundle verified against a key with no secret");
}
