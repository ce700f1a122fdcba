//! Who may do what: the roster of operators, their roles and PINs.
//!
//! The coordinator sets up the roster (name, role, a 4–6 digit PIN). Signing
//! in picks a name and asks the PIN; the PIN is kept only as a salted scrypt
//! hash. Volunteers enter ballots, verdicts and votes; coordinators also set
//! up, decide differences and doubtful ballots, close boxes and counts, and
//! see results. The rule is checked in `Session`, so the app and the CLI
//! apply the same roles. This is an offline laptop: proportionate, not a
//! password manager (see docs/threat-model.md).

use crate::storage::store::Db;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::problem::{Failure, Problem};
use crate::storage::store::{Store, StoreError};

pub mod event;
pub use event::RosterEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Coordinator,
    Volunteer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Volunteer => "volunteer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_lowercase().as_str() {
            "coordinator" | "coördinator" | "coordinateur" => Some(Role::Coordinator),
            "volunteer" | "vrijwilliger" => Some(Role::Volunteer),
            _ => None,
        }
    }
}

/// One person on the roster, as the sign-in screen and the team card show it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RosterMember {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub active: bool,
}

/// Who is signed in.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SignedIn {
    pub name: String,
    pub role: Role,
}

/// The longest name on the roster (it is printed on sheets and in the log).
pub const MAX_NAME: usize = 60;
/// Wrong PINs for one name within `LOCK_WINDOW_SECS` before it is locked for that long.
pub const MAX_FAILURES: i64 = 5;
pub const LOCK_WINDOW_SECS: i64 = 120;
/// The operator a wrong PIN is recorded under.
pub const UNKNOWN: &str = "(onbekend)";

/// Names are compared as people read them: Unicode NFKC, spaces folded, case folded.
pub fn name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfkc().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Names the log uses for itself: nobody on the roster may carry them.
const RESERVED: &[&str] = &[UNKNOWN, "wijkstem", DEMO_OPERATOR];

/// A name as typed, safe to show: control and direction characters as `?`.
fn shown(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| if crate::selection::forbidden(c, false) { '?' } else { c })
        .take(MAX_NAME + 1)
        .collect()
}

/// A PIN is 4 to 6 digits.
pub fn check_pin(pin: &str) -> Result<(), Problem> {
    let pin = pin.trim();
    if (4..=6).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Problem::new("roster.bad_pin"))
    }
}

// scrypt with N = 2^14, r = 8, p = 1: about 50 ms a try on a laptop.
const LOG_N: u8 = 14;
const R: u32 = 8;
const P: u32 = 1;

fn derive(pin: &str, salt: &[u8], log_n: u8, r: u32, p: u32) -> Option<[u8; 32]> {
    let params = scrypt::Params::new(log_n, r, p, 32).ok()?;
    let mut out = [0u8; 32];
    scrypt::scrypt(pin.trim().as_bytes(), salt, &params, &mut out).ok()?;
    Some(out)
}

/// `scrypt$<log_n>$<r>$<p>$<salt hex>$<hash hex>`.
pub fn hash_pin(pin: &str) -> String {
    let salt: [u8; 16] = rand::random();
    let out = derive(pin, &salt, LOG_N, R, P).expect("fixed scrypt parameters are valid");
    format!("scrypt${LOG_N}${R}${P}${}${}", hex::encode(salt), hex::encode(out))
}

pub fn pin_matches(pin: &str, stored: &str) -> bool {
    let parts: Vec<&str> = stored.split('$').collect();
    let [kind, log_n, r, p, salt, hash] = parts.as_slice() else { return false };
    let (Ok(log_n), Ok(r), Ok(p), Ok(salt), Ok(hash)) =
        (log_n.parse::<u8>(), r.parse::<u32>(), p.parse::<u32>(), hex::decode(salt), hex::decode(hash))
    else {
        return false;
    };
    if *kind != "scrypt" || log_n > 20 {
        return false;
    }
    match derive(pin, &salt, log_n, r, p) {
        // Compared in constant time.
        Some(out) => out.len() == hash.len() && out.iter().zip(&hash).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0,
        None => false,
    }
}

fn check_name(name: &str) -> Result<String, Problem> {
    if name.chars().any(|c| crate::selection::forbidden(c, false)) {
        return Err(Problem::new("roster.bad_name"));
    }
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if RESERVED.iter().any(|r| name_key(r) == name_key(&name)) {
        return Err(Problem::new("roster.reserved_name").with("name", &name));
    }
    if name.is_empty() {
        return Err(Problem::new("session.name_required"));
    }
    if name.chars().count() > MAX_NAME {
        return Err(Problem::new("session.name_too_long"));
    }
    Ok(name)
}

fn role_of(s: String) -> Role {
    Role::parse(&s).unwrap_or(Role::Volunteer)
}

impl Store {
    /// Check a name and PIN against the roster. A wrong PIN is written to
    /// the log (so the coordinator and an auditor see tries); after
    /// `MAX_FAILURES` wrong PINs within `LOCK_WINDOW_SECS` the name is
    /// locked for that long, in every front end.
    pub fn authenticate(&mut self, name: &str, pin: &str) -> Result<SignedIn, Failure> {
        if name.trim().is_empty() {
            return Err(Problem::new("session.name_required").into());
        }
        let since = crate::clock::stamp_of(self.clock().now() - time::Duration::seconds(LOCK_WINDOW_SECS));
        // A file that cannot be written cannot record a wrong PIN: no PIN is checked.
        if self.conn().is_readonly(rusqlite::DatabaseName::Main).unwrap_or(true) {
            return Err(Problem::new("store.read_only").with("path", self.path()).into());
        }
        // The check runs inside a write transaction, the roster reads with it:
        // a wrong PIN that cannot be recorded (the file locked by another
        // program) is never checked, so the lock-out cannot be bypassed by
        // keeping the file busy, and a name removed or a PIN changed by
        // another program meanwhile is seen.
        let outcome: Result<Result<SignedIn, Problem>, StoreError> = self.write(UNKNOWN, |c| {
            if roster(c.db())?.is_empty() {
                return Ok(Err(Problem::new("roster.empty")));
            }
            let Some((member, hash)) = roster_entry(c.db(), name)? else {
                return Ok(Err(Problem::new("roster.unknown_name").with("name", shown(name))));
            };
            if !member.active {
                return Ok(Err(Problem::new("roster.inactive").with("name", &member.name)));
            }
            let entity = format!("roster/{}", member.id);
            // Wrong PINs since the window opened and since the PIN was last set.
            let failures: i64 = c
                .tx
                .query_row(
                    "SELECT count(*) FROM audit_log WHERE entity = ?1 AND action = 'roster.pin_wrong' AND at >= ?2
                       AND seq > coalesce((SELECT max(seq) FROM audit_log WHERE entity = ?1 AND action = 'roster.pin_set'), 0)",
                    params![entity, since],
                    |r| r.get(0),
                )
                .map_err(|e| c.err(e))?;
            if failures >= MAX_FAILURES {
                return Ok(Err(Problem::new("roster.locked").with("name", &member.name).with("minutes", LOCK_WINDOW_SECS / 60)));
            }
            if pin_matches(pin, &hash) {
                return Ok(Ok(SignedIn { name: member.name.clone(), role: member.role }));
            }
            // Recorded under no one's name: whoever typed it is not known.
            c.record(crate::roster::RosterEvent::RosterPinWrong { id: member.id })?;
            let left = MAX_FAILURES - failures - 1;
            Ok(Err(if left <= 0 {
                Problem::new("roster.locked").with("name", &member.name).with("minutes", LOCK_WINDOW_SECS / 60)
            } else if left == 1 {
                Problem::new("roster.wrong_pin_last")
            } else {
                Problem::new("roster.wrong_pin").with("left", left)
            }))
        });
        match outcome {
            Ok(Ok(who)) => Ok(who),
            Ok(Err(p)) => Err(p.into()),
            Err(e) => Err(Failure::from(e)),
        }
    }

    /// Add someone to the roster. Only on an empty roster may this be done
    /// without a coordinator (the first coordinator sets up the laptop), and
    /// then only for a coordinator.
    pub fn add_to_roster(
        &mut self,
        operator: &str,
        name: &str,
        role: Role,
        pin: &str,
    ) -> Result<RosterMember, Failure> {
        let name = check_name(name)?;
        check_pin(pin)?;
        let hash = hash_pin(pin);
        let key = name_key(&name);
        let id = self.write(operator, |c| {
            let count: i64 = c.tx.query_row("SELECT count(*) FROM roster", [], |r| r.get(0)).map_err(|e| c.err(e))?;
            if count == 0 && role != Role::Coordinator {
                return Err(Failure::from(Problem::new("roster.first_is_coordinator")));
            }
            let taken: i64 = c
                .tx
                .query_row("SELECT count(*) FROM roster WHERE name_key = ?1", [&key], |r| r.get(0))
                .map_err(|e| c.err(e))?;
            if taken > 0 {
                return Err(Problem::new("roster.name_taken").with("name", &name).into());
            }
            c.tx.execute(
                "INSERT INTO roster (name, name_key, role, pin_hash, active, created_at) VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                params![name, key, role.as_str(), hash, c.at.clone()],
            )
            .map_err(|e| c.err(e))?;
            let id = c.tx.last_insert_rowid();
            c.record(crate::roster::RosterEvent::RosterAdd { id, name: &name, role: role.as_str() })?;
            Ok(id)
        })?;
        Ok(RosterMember { id, name, role, active: true })
    }

    /// A new PIN for someone on the roster (their own, or by a coordinator).
    pub fn set_roster_pin(&mut self, operator: &str, id: i64, pin: &str) -> Result<(), Failure> {
        check_pin(pin)?;
        let hash = hash_pin(pin);
        self.write(operator, |c| {
            let n =
                c.tx.execute("UPDATE roster SET pin_hash = ?1 WHERE id = ?2", params![hash, id])
                    .map_err(|e| c.err(e))?;
            if n == 0 {
                return Err(Failure::from(Problem::new("roster.unknown_id").with("id", id)));
            }
            c.record(crate::roster::RosterEvent::RosterPinSet { id })?;
            Ok(())
        })
    }

    /// Change someone's role or take them off (and back on) the roster.
    /// Nobody is deleted: the log keeps their name. The last active
    /// coordinator cannot be taken off or made a volunteer.
    pub fn set_roster_member(
        &mut self,
        operator: &str,
        id: i64,
        role: Role,
        active: bool,
    ) -> Result<RosterMember, Failure> {
        self.write(operator, |c| {
            let before: Option<(String, String, bool)> =
                c.tx.query_row("SELECT name, role, active FROM roster WHERE id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()
                .map_err(|e| c.err(e))?;
            let Some((name, old_role, old_active)) = before else {
                return Err(Failure::from(Problem::new("roster.unknown_id").with("id", id)));
            };
            c.tx.execute("UPDATE roster SET role = ?1, active = ?2 WHERE id = ?3", params![role.as_str(), active, id])
                .map_err(|e| c.err(e))?;
            let coordinators: i64 = c
                .tx
                .query_row("SELECT count(*) FROM roster WHERE role = 'coordinator' AND active = 1", [], |r| r.get(0))
                .map_err(|e| c.err(e))?;
            if coordinators == 0 {
                return Err(Problem::new("roster.last_coordinator").with("name", &name).into());
            }
            c.record(crate::roster::RosterEvent::RosterChange {
                id,
                old_role: &old_role,
                old_active,
                role: role.as_str(),
                active,
            })?;
            Ok(RosterMember { id, name, role, active })
        })
    }
}

pub fn roster(db: Db<'_>) -> Result<Vec<RosterMember>, StoreError> {
    let mut st =
        db.conn.prepare("SELECT id, name, role, active FROM roster ORDER BY role, name_key").map_err(|e| db.err(e))?;
    let rows = st
        .query_map([], |r| {
            Ok(RosterMember { id: r.get(0)?, name: r.get(1)?, role: role_of(r.get(2)?), active: r.get(3)? })
        })
        .map_err(|e| db.err(e))?;
    rows.collect::<Result<Vec<_>, _>>().map_err(|e| db.err(e))
}

/// The roster entry and stored PIN hash for a name, as typed.
fn roster_entry(db: Db<'_>, name: &str) -> Result<Option<(RosterMember, String)>, StoreError> {
    db.conn
        .query_row("SELECT id, name, role, active, pin_hash FROM roster WHERE name_key = ?1", [name_key(name)], |r| {
            Ok((
                RosterMember { id: r.get(0)?, name: r.get(1)?, role: role_of(r.get(2)?), active: r.get(3)? },
                r.get::<_, String>(4)?,
            ))
        })
        .optional()
        .map_err(|e| db.err(e))
}

/// The signed-in person as the roster has them now (their role may have
/// changed, or they may have been taken off, since they signed in).
pub fn roster_now(db: Db<'_>, name: &str) -> Result<Option<RosterMember>, StoreError> {
    Ok(roster_entry(db, name)?.map(|(m, _)| m))
}

/// A real count is not closed or signed while a demo coordinator's PIN
/// is still the public demo PIN: anyone could have done it. Closing
/// calls this inside its write's transaction.
pub fn demo_pins_block(db: Db<'_>, selection_id: i64) -> Result<(), Failure> {
    if crate::selection::read(db, selection_id)?.edition == DEMO_EDITION {
        return Ok(());
    }
    let open: Vec<String> =
        demo_sign_ins(db)?.into_iter().filter(|d| d.role == Role::Coordinator).map(|d| d.name).collect();
    if open.is_empty() {
        Ok(())
    } else {
        Err(Problem::new("roster.demo_pins_active").with("names", open.join(", ")).into())
    }
}

/// The demo roster's members whose PIN is still the demo PIN (shown on
/// the sign-in screen so anyone can try the demo).
pub fn demo_sign_ins(db: Db<'_>) -> Result<Vec<DemoSignIn>, StoreError> {
    let mut out = Vec::new();
    for (name, role, pin) in DEMO_ROSTER {
        if let Some((m, hash)) = roster_entry(db, name)? {
            if m.active && pin_matches(pin, &hash) {
                out.push(DemoSignIn { name: m.name, role: *role, pin: pin.to_string() });
            }
        }
    }
    Ok(out)
}

/// A demo name with its (public) demo PIN.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DemoSignIn {
    pub name: String,
    pub role: Role,
    pub pin: String,
}

/// What the sign-in screen needs: the names to pick from, and the demo PINs
/// while the demo roster is unchanged. An empty roster means the laptop is
/// not set up yet: the first person makes themselves coordinator.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SignInScreen {
    pub roster: Vec<RosterMember>,
    pub demo: Vec<DemoSignIn>,
}

/// The demo edition's name: its selections are the ones whose PINs may stay
/// the demo's (see `demo_pins_block`).
pub const DEMO_EDITION: &str = "Wijkbudget 2026 (demo)";

/// The name the demo edition is written under in the audit log.
pub const DEMO_OPERATOR: &str = "demo";

/// The demo's roster: a coordinator and two volunteers. Their PINs are
/// public (sign-in screen, `wijkstem demo`, README) and shown only while
/// they are unchanged; a real edition sets up its own roster.
pub const DEMO_ROSTER: &[(&str, Role, &str)] =
    &[("Sam", Role::Coordinator, "2468"), ("Lotte", Role::Volunteer, "1357"), ("Youssef", Role::Volunteer, "8642")];
