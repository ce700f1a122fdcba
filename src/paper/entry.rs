//! Double entry as a pure state machine: given the entries a ballot already
//! has, may one more be added, and as what? No database and no clock here:
//! `store.rs` reads the ballot's active entries inside the write's
//! transaction, asks `admit`, and writes what it answers.
//!
//! A ballot's states, with single entry:
//!
//! ```text
//! not entered ──entry──▶ entered (Single)        a further entry: refused
//! ```
//!
//! and with double entry:
//!
//! ```text
//! not entered ──entry──▶ waiting (First) ──entry by someone else──▶ agreed or differs (Second)
//!                              └──entry by the same person: refused  a third entry: refused
//! ```
//!
//! Both entries of one ballot come from the same ballot box. An entry taken
//! back (`undo_last_entry`) or discarded by the committee is no longer
//! active, so the ballot steps back.

use super::same_person;

/// An active (not discarded) entry of the ballot, in entry order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prior {
    pub entry_no: u8,
    pub operator: String,
    pub at: String,
    /// The marks as stored (canonical JSON), compared as they are.
    pub marks: String,
    pub box_id: Option<i64>,
}

/// What the new entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// The ballot's one entry (single entry).
    Single,
    /// The first of two: the ballot waits for a second person.
    First,
    /// The second of two, with marks that agree with the first or not.
    Second { agreed: bool },
}

impl Admit {
    pub fn entry_no(self) -> u8 {
        match self {
            Admit::Single | Admit::First => 1,
            Admit::Second { .. } => 2,
        }
    }

    /// The ballot's double-entry state after this entry, as stored and
    /// shown on the receipt: none for single entry.
    pub fn double_entry(self) -> Option<&'static str> {
        match self {
            Admit::Single => None,
            Admit::First => Some("waiting"),
            Admit::Second { agreed: true } => Some("agreed"),
            Admit::Second { agreed: false } => Some("differs"),
        }
    }
}

/// Why the entry is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Already entered (twice, with double entry): by whom and when, when known.
    AlreadyEntered { who: Option<String>, at: Option<String> },
    /// The second entry must come from someone else than the first.
    SameOperator,
    /// The first entry came from another box (`None`: from no box).
    OtherBox { first_box: Option<i64> },
}

/// May `operator` add an entry with `marks` from `box_id` to a ballot whose
/// active entries are `prior`?
pub fn admit(
    double_entry: bool,
    prior: &[Prior],
    operator: &str,
    marks: &str,
    box_id: Option<i64>,
) -> Result<Admit, Refused> {
    if let Some(first) = prior.first() {
        if first.box_id != box_id {
            return Err(Refused::OtherBox { first_box: first.box_id });
        }
    }
    let known = |e: &Prior| Refused::AlreadyEntered { who: Some(e.operator.clone()), at: Some(e.at.clone()) };
    match (double_entry, prior) {
        (false, []) => Ok(Admit::Single),
        (true, []) => Ok(Admit::First),
        (false, [first, ..]) => Err(known(first)),
        (true, [first]) if same_person(&first.operator, operator) => Err(Refused::SameOperator),
        (true, [first]) => Ok(Admit::Second { agreed: first.marks == marks }),
        (true, [_, second]) => Err(known(second)),
        (true, _) => Err(Refused::AlreadyEntered { who: None, at: None }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(no: u8, who: &str, marks: &str, box_id: Option<i64>) -> Prior {
        Prior {
            entry_no: no,
            operator: who.into(),
            at: format!("2026-12-01T19:0{no}:00Z"),
            marks: marks.into(),
            box_id,
        }
    }

    #[test]
    fn single_entry_admits_one_entry_and_names_it_after() {
        assert_eq!(admit(false, &[], "Lotte", "[1]", None), Ok(Admit::Single));
        assert_eq!(Admit::Single.entry_no(), 1);
        assert_eq!(Admit::Single.double_entry(), None);
        let first = entry(1, "Lotte", "[1]", None);
        assert_eq!(
            admit(false, std::slice::from_ref(&first), "Youssef", "[1]", None),
            Err(Refused::AlreadyEntered { who: Some("Lotte".into()), at: Some(first.at) })
        );
    }

    #[test]
    fn double_entry_waits_then_agrees_or_differs() {
        assert_eq!(admit(true, &[], "Lotte", "[1]", Some(3)), Ok(Admit::First));
        assert_eq!(Admit::First.double_entry(), Some("waiting"));
        let first = [entry(1, "Lotte", "[1,2]", Some(3))];
        let agreed = admit(true, &first, "Youssef", "[1,2]", Some(3));
        assert_eq!(agreed, Ok(Admit::Second { agreed: true }));
        assert_eq!(agreed.map(|a| (a.entry_no(), a.double_entry())), Ok((2, Some("agreed"))));
        let differs = admit(true, &first, "Youssef", "[1]", Some(3));
        assert_eq!(differs.map(Admit::double_entry), Ok(Some("differs")));
    }

    #[test]
    fn the_second_entry_is_someone_else_s() {
        let first = [entry(1, "Lotte Peeters", "[1]", None)];
        // The same name however it is spaced or capitalised.
        for same in ["Lotte Peeters", "  lotte   PEETERS ", "LOTTE PEETERS"] {
            assert_eq!(admit(true, &first, same, "[1]", None), Err(Refused::SameOperator), "{same}");
        }
        assert!(admit(true, &first, "Lotte", "[1]", None).is_ok());
    }

    #[test]
    fn a_third_entry_is_refused_naming_the_second() {
        let both = [entry(1, "Lotte", "[1]", None), entry(2, "Youssef", "[2]", None)];
        assert_eq!(
            admit(true, &both, "Sam", "[1]", None),
            Err(Refused::AlreadyEntered { who: Some("Youssef".into()), at: Some(both[1].at.clone()) })
        );
        let three = [both[0].clone(), both[1].clone(), entry(3, "Sam", "[1]", None)];
        assert_eq!(admit(true, &three, "Ann", "[1]", None), Err(Refused::AlreadyEntered { who: None, at: None }));
    }

    #[test]
    fn both_entries_come_from_one_box() {
        let first = [entry(1, "Lotte", "[1]", Some(3))];
        assert_eq!(admit(true, &first, "Youssef", "[1]", Some(4)), Err(Refused::OtherBox { first_box: Some(3) }));
        assert_eq!(admit(true, &first, "Youssef", "[1]", None), Err(Refused::OtherBox { first_box: Some(3) }));
        // The box is checked before anything else: a single-entry ballot
        // typed again from another box is named as from the wrong box.
        assert_eq!(admit(false, &first, "Youssef", "[1]", Some(4)), Err(Refused::OtherBox { first_box: Some(3) }));
    }
}
