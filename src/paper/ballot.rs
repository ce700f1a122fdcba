//! Paper ballots: the ballot style, random serials with a check digit, and
//! the versioned QR payload. Pure: no storage, no I/O (see docs/qr-format.md).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::problem::{Problem, ToProblem};

/// What a voter may mark on the ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BallotStyle {
    /// Mark at least `min` and at most `max` plans.
    Approval { min: u32, max: u32 },
    /// Distribute up to `total` points, at most `max_per_plan` on one plan.
    Points { total: u32, max_per_plan: u32 },
    /// Rank your favourite plans 1..=`top`.
    Ranking { top: u32 },
}

/// A plan as printed on the ballot; the style hash covers exactly these fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedPlan {
    pub code: String,
    pub title: String,
    pub cost_cents: i64,
}

/// 8 hex digits identifying the style and the plan list a ballot was printed
/// with, so a ballot printed before the plan list changed is recognised.
pub fn style_hash(style: &BallotStyle, plans: &[PrintedPlan]) -> String {
    let mut plans = plans.to_vec();
    plans.sort_by(|a, b| a.code.cmp(&b.code));
    let canonical = serde_json::to_string(&(style, plans)).expect("serialisable");
    hex::encode_upper(&Sha256::digest(canonical.as_bytes())[..4])
}

// The Damm algorithm: one check digit that catches every single-digit error
// and every swap of two adjacent digits.
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

pub fn damm(digits: &str) -> Option<u8> {
    let mut interim = 0u8;
    for c in digits.chars() {
        let d = c.to_digit(10)? as usize;
        interim = DAMM[interim as usize][d];
    }
    Some(interim)
}

pub const SERIAL_DIGITS: usize = 8;

/// A serial: 8 random digits and a Damm check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub struct Serial(pub String);

impl Serial {
    pub fn from_random(n: u32) -> Serial {
        let body = format!("{:08}", n % 100_000_000);
        let check = damm(&body).expect("digits");
        Serial(format!("{body}{check}"))
    }

    /// Read a serial as typed: digits with optional spaces or dashes.
    pub fn parse(typed: &str) -> Result<Serial, BallotError> {
        let digits: String = typed.chars().filter(|c| !matches!(c, ' ' | '-' | '.')).collect();
        if digits.len() != SERIAL_DIGITS + 1 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(BallotError::SerialShape(typed.trim().to_string()));
        }
        if damm(&digits) != Some(0) {
            return Err(BallotError::SerialCheck(typed.trim().to_string()));
        }
        Ok(Serial(digits))
    }

    /// As printed for people: `1234-5678-9`.
    pub fn display(&self) -> String {
        format!("{}-{}-{}", &self.0[..4], &self.0[4..8], &self.0[8..])
    }
}

/// What a scan or typed text identifies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BallotRef {
    #[ts(type = "number")]
    pub selection_id: i64,
    pub serial: Serial,
    /// Missing when only the serial was typed.
    pub style_hash: Option<String>,
}

pub const QR_VERSION: u32 = 1;

/// The QR text of a ballot, format version 1:
/// `WS1:<selection id>:<serial>:<style hash>:<check>` where check is the first
/// 4 hex digits (upper case) of SHA-256 over everything before the last colon.
/// Only QR alphanumeric characters, so the code stays small at level H.
pub fn qr_payload(selection_id: i64, serial: &Serial, style_hash: &str) -> String {
    let body = format!("WS{QR_VERSION}:{selection_id}:{}:{style_hash}", serial.0);
    let check = hex::encode_upper(&Sha256::digest(body.as_bytes())[..2]);
    format!("{body}:{check}")
}

/// Belgian AZERTY keyboards turn a scanner's digits into these symbols when
/// the scanner is set to another layout.
const AZERTY_DIGITS: [(char, char); 10] = [
    ('&', '1'),
    ('é', '2'),
    ('"', '3'),
    ('\'', '4'),
    ('(', '5'),
    ('§', '6'),
    ('è', '7'),
    ('!', '8'),
    ('ç', '9'),
    ('à', '0'),
];

/// The QR text of a ballot-box cover sheet: `WSBOX1:<selection id>:<box id>:<check>`,
/// check as for ballots. Scanning it in the entry field switches the box.
pub fn box_payload(selection_id: i64, box_id: i64) -> String {
    let body = format!("WSBOX1:{selection_id}:{box_id}");
    let check = hex::encode_upper(&Sha256::digest(body.as_bytes())[..2]);
    format!("{body}:{check}")
}

/// `Some((selection, box))` when the text is a box cover's QR code.
pub fn parse_box_scan(text: &str) -> Option<(i64, i64)> {
    let upper = text.trim().to_ascii_uppercase();
    let parts: Vec<&str> = upper.split(':').collect();
    if parts.len() != 4 || parts[0] != "WSBOX1" {
        return None;
    }
    let body = parts[..3].join(":");
    if hex::encode_upper(&Sha256::digest(body.as_bytes())[..2]) != parts[3] {
        return None;
    }
    let (sel, b) = (parts[1].parse().ok()?, parts[2].parse().ok()?);
    // Only the exact printed form counts.
    (box_payload(sel, b) == upper).then_some((sel, b))
}

/// Read what the scanner or the volunteer typed: a QR payload or a serial.
pub fn parse_scan(text: &str, selection_id: i64) -> Result<BallotRef, BallotError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(BallotError::Empty);
    }
    if t.chars().any(|c| AZERTY_DIGITS.iter().any(|(a, _)| *a == c)) && !t.chars().any(|c| c.is_ascii_digit()) {
        return Err(BallotError::KeyboardLayout);
    }
    let upper = t.to_ascii_uppercase();
    if !upper.starts_with("WS") {
        let serial = Serial::parse(t)?;
        return Ok(BallotRef { selection_id, serial, style_hash: None });
    }
    let parts: Vec<&str> = upper.split(':').collect();
    let version: u32 = parts[0][2..].parse().map_err(|_| BallotError::Unreadable)?;
    if version != QR_VERSION {
        return Err(BallotError::UnknownVersion(version));
    }
    if parts.len() != 5 {
        return Err(BallotError::Unreadable);
    }
    let body = parts[..4].join(":");
    let check = hex::encode_upper(&Sha256::digest(body.as_bytes())[..2]);
    if check != parts[4] {
        return Err(BallotError::Unreadable);
    }
    let sel: i64 = parts[1].parse().map_err(|_| BallotError::Unreadable)?;
    let serial = Serial::parse(parts[2]).map_err(|_| BallotError::Unreadable)?;
    if parts[3].len() != 8 || !parts[3].chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(BallotError::Unreadable);
    }
    // Only the exact printed form counts (no spaces in the serial, no "+1" or
    // "01" for the selection): one ballot, one QR text.
    if qr_payload(sel, &serial, parts[3]) != upper {
        return Err(BallotError::Unreadable);
    }
    Ok(BallotRef { selection_id: sel, serial, style_hash: Some(parts[3].to_string()) })
}

/// The marks read from one ballot: plan codes with points (1 for a cross; the
/// rank for ranking ballots).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Marks {
    pub marks: Vec<(String, u32)>,
}

/// How a ballot counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Valid,
    Blank,
    Invalid,
}

/// A finding about a ballot's marks, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Finding {
    pub code: String,
    pub verdict: Verdict,
    pub detail: String,
}

/// What an entry finding does to a ballot, as the selection's rules decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Treat {
    /// The ballot counts as marked.
    Valid,
    /// The ballot counts as invalid.
    Invalid,
    /// The ballot is set aside for the committee to decide.
    Doubtful,
}

/// The configurable invalidity rules of a selection. Only an under-vote can
/// be counted as valid: an over-vote or a broken ranking has no single
/// reading, so it is either invalid or goes to the committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct EntryRules {
    /// `E_OVERVOTE`: more plans, points or ranks than allowed.
    pub overvote: Treat,
    /// `W_UNDERVOTE`: fewer plans or points than asked for.
    pub undervote: Treat,
    /// `E_POINTS_PER_PLAN`: more points on one plan than allowed.
    pub points_per_plan: Treat,
    /// `E_RANKS`: ranks repeated or skipped.
    pub ranks: Treat,
}

impl Default for EntryRules {
    fn default() -> Self {
        EntryRules {
            overvote: Treat::Invalid,
            undervote: Treat::Valid,
            points_per_plan: Treat::Invalid,
            ranks: Treat::Invalid,
        }
    }
}

impl EntryRules {
    pub fn is_allowed(&self) -> bool {
        [self.overvote, self.points_per_plan, self.ranks].iter().all(|t| *t != Treat::Valid)
    }

    fn treat(&self, code: &str) -> Treat {
        match code {
            "E_OVERVOTE" => self.overvote,
            "W_UNDERVOTE" => self.undervote,
            "E_POINTS_PER_PLAN" => self.points_per_plan,
            "E_RANKS" => self.ranks,
            _ => Treat::Valid,
        }
    }
}

/// `judge` under a selection's rules: the verdict, the findings, and the
/// codes that send the ballot to the committee (empty when none do).
pub fn judge_with(
    style: &BallotStyle,
    plan_codes: &[String],
    marks: &Marks,
    rules: &EntryRules,
) -> Result<(Verdict, Vec<Finding>, Vec<String>), BallotError> {
    let (verdict, mut findings) = judge(style, plan_codes, marks)?;
    if verdict == Verdict::Blank {
        return Ok((verdict, findings, vec![]));
    }
    let mut doubtful = Vec::new();
    for f in &mut findings {
        match rules.treat(&f.code) {
            Treat::Valid => f.verdict = Verdict::Valid,
            Treat::Invalid => f.verdict = Verdict::Invalid,
            // Counted as invalid unless the committee accepts it.
            Treat::Doubtful => {
                f.verdict = Verdict::Invalid;
                doubtful.push(f.code.clone());
            }
        }
    }
    let verdict =
        if findings.iter().any(|f| f.verdict == Verdict::Invalid) { Verdict::Invalid } else { Verdict::Valid };
    Ok((verdict, findings, doubtful))
}

/// Check marks against the style. Over-votes make a ballot invalid (the
/// voter's intent is unclear); under-votes are valid with a warning; an empty
/// ballot is blank. Unknown plan codes are refused before anything is stored.
pub fn judge(
    style: &BallotStyle,
    plan_codes: &[String],
    marks: &Marks,
) -> Result<(Verdict, Vec<Finding>), BallotError> {
    for (code, _) in &marks.marks {
        if !plan_codes.contains(code) {
            return Err(BallotError::UnknownPlan(code.clone()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (code, _) in &marks.marks {
        if !seen.insert(code) {
            return Err(BallotError::PlanTwice(code.clone()));
        }
    }
    // A cross is a cross: a number belongs to a ballot of points or ranks.
    if let BallotStyle::Approval { .. } = style {
        if let Some((code, _)) = marks.marks.iter().find(|(_, v)| *v > 1) {
            return Err(BallotError::NotPoints(code.clone()));
        }
    }
    let marked: Vec<&(String, u32)> = marks.marks.iter().filter(|(_, v)| *v > 0).collect();
    if marked.is_empty() {
        return Ok((
            Verdict::Blank,
            vec![Finding { code: "W_BLANK".into(), verdict: Verdict::Blank, detail: String::new() }],
        ));
    }
    let mut findings = Vec::new();
    let n = marked.len() as u32;
    match style {
        BallotStyle::Approval { min, max } => {
            if n > *max {
                findings.push(Finding {
                    code: "E_OVERVOTE".into(),
                    verdict: Verdict::Invalid,
                    detail: format!("{n}>{max}"),
                });
            } else if n < *min {
                findings.push(Finding {
                    code: "W_UNDERVOTE".into(),
                    verdict: Verdict::Valid,
                    detail: format!("{n}<{min}"),
                });
            }
        }
        BallotStyle::Points { total, max_per_plan } => {
            let sum: u32 = marked.iter().map(|(_, v)| *v).sum();
            if let Some((code, v)) = marked.iter().find(|(_, v)| *v > *max_per_plan) {
                findings.push(Finding {
                    code: "E_POINTS_PER_PLAN".into(),
                    verdict: Verdict::Invalid,
                    detail: format!("{code}:{v}>{max_per_plan}"),
                });
            }
            if sum > *total {
                findings.push(Finding {
                    code: "E_OVERVOTE".into(),
                    verdict: Verdict::Invalid,
                    detail: format!("{sum}>{total}"),
                });
            } else if sum < *total {
                findings.push(Finding {
                    code: "W_UNDERVOTE".into(),
                    verdict: Verdict::Valid,
                    detail: format!("{sum}<{total}"),
                });
            }
        }
        BallotStyle::Ranking { top } => {
            let mut ranks: Vec<u32> = marked.iter().map(|(_, v)| *v).collect();
            ranks.sort();
            if n > *top || ranks.iter().any(|r| *r > *top) {
                findings.push(Finding {
                    code: "E_OVERVOTE".into(),
                    verdict: Verdict::Invalid,
                    detail: format!("{n}>{top}"),
                });
            } else if ranks.windows(2).any(|w| w[0] == w[1])
                || ranks.iter().enumerate().any(|(i, r)| *r != i as u32 + 1)
            {
                findings.push(Finding {
                    code: "E_RANKS".into(),
                    verdict: Verdict::Invalid,
                    detail: format!("{ranks:?}"),
                });
            } else if n < *top {
                findings.push(Finding {
                    code: "W_UNDERVOTE".into(),
                    verdict: Verdict::Valid,
                    detail: format!("{n}<{top}"),
                });
            }
        }
    }
    let verdict =
        if findings.iter().any(|f| f.verdict == Verdict::Invalid) { Verdict::Invalid } else { Verdict::Valid };
    Ok((verdict, findings))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BallotError {
    #[error("nothing scanned")]
    Empty,
    #[error("serial {0} has the wrong length")]
    SerialShape(String),
    #[error("serial {0} has a typing error")]
    SerialCheck(String),
    #[error("QR code unreadable")]
    Unreadable,
    #[error("QR format version {0} unknown")]
    UnknownVersion(u32),
    #[error("scanner keyboard layout")]
    KeyboardLayout,
    #[error("unknown plan {0}")]
    UnknownPlan(String),
    #[error("plan {0} marked twice")]
    PlanTwice(String),
    #[error("plan {0} given a number on a ballot of crosses")]
    NotPoints(String),
}

impl ToProblem for BallotError {
    fn to_problem(&self) -> Problem {
        match self {
            BallotError::Empty => Problem::new("ballot.empty"),
            BallotError::SerialShape(s) => Problem::new("ballot.serial_shape").with("serial", s),
            BallotError::SerialCheck(s) => Problem::new("ballot.serial_check").with("serial", s),
            BallotError::Unreadable => Problem::new("ballot.unreadable"),
            BallotError::UnknownVersion(v) => Problem::new("ballot.unknown_version").with("version", v),
            BallotError::KeyboardLayout => Problem::new("ballot.keyboard_layout"),
            BallotError::UnknownPlan(c) => Problem::new("ballot.unknown_plan").with("code", c),
            BallotError::PlanTwice(c) => Problem::new("ballot.plan_twice").with("code", c),
            BallotError::NotPoints(c) => Problem::new("ballot.not_points").with("code", c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damm_catches_every_single_error_and_adjacent_swap() {
        for n in [0u32, 12345678, 99999999, 48210937, 10000001] {
            let s = Serial::from_random(n);
            assert!(Serial::parse(&s.0).is_ok());
            let d: Vec<char> = s.0.chars().collect();
            for i in 0..d.len() {
                for r in '0'..='9' {
                    if r == d[i] {
                        continue;
                    }
                    let mut t = d.clone();
                    t[i] = r;
                    let t: String = t.into_iter().collect();
                    assert!(Serial::parse(&t).is_err(), "{t} from {}", s.0);
                }
                if i + 1 < d.len() && d[i] != d[i + 1] {
                    let mut t = d.clone();
                    t.swap(i, i + 1);
                    let t: String = t.into_iter().collect();
                    assert!(Serial::parse(&t).is_err(), "swap {t} from {}", s.0);
                }
            }
        }
    }

    #[test]
    fn entry_rules_decide_the_verdict() {
        let codes: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
        let style = BallotStyle::Approval { min: 2, max: 2 };
        let over = Marks { marks: vec![("A".into(), 1), ("B".into(), 1), ("C".into(), 1)] };
        let under = Marks { marks: vec![("A".into(), 1)] };
        let d = EntryRules::default();
        assert_eq!(judge_with(&style, &codes, &over, &d).unwrap().0, Verdict::Invalid);
        assert_eq!(judge_with(&style, &codes, &under, &d).unwrap().0, Verdict::Valid);
        let strict = EntryRules { undervote: Treat::Invalid, overvote: Treat::Doubtful, ..d.clone() };
        assert_eq!(judge_with(&style, &codes, &under, &strict).unwrap().0, Verdict::Invalid);
        let (v, _, doubtful) = judge_with(&style, &codes, &over, &strict).unwrap();
        assert_eq!((v, doubtful), (Verdict::Invalid, vec!["E_OVERVOTE".to_string()]));
        assert_eq!(judge_with(&style, &codes, &Marks { marks: vec![] }, &strict).unwrap().0, Verdict::Blank);
        assert!(!EntryRules { overvote: Treat::Valid, ..d.clone() }.is_allowed());
        assert!(strict.is_allowed());
    }

    #[test]
    fn typed_serials_accept_dashes_and_spaces() {
        let s = Serial::from_random(48210937);
        assert_eq!(Serial::parse(&s.display()).unwrap(), s);
        assert_eq!(Serial::parse(&format!(" {} ", s.display().replace('-', " "))).unwrap(), s);
        assert!(matches!(Serial::parse("1234"), Err(BallotError::SerialShape(_))));
    }
}
