//! The one clock. Every time Wijkstem records (an audit event, an entry, a
//! decision, a backup's name, a lock-out window) comes from the `Clock` the
//! store was given, read once per write: all rows and events of one change
//! carry the same time. The app and the CLI use the system clock; tests can
//! fix it.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The laptop's clock (UTC).
    #[default]
    System,
    /// Always this time (tests, reproductions).
    Fixed(OffsetDateTime),
}

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        match self {
            Clock::System => OffsetDateTime::now_utc(),
            Clock::Fixed(t) => *t,
        }
    }

    /// The time as stored: RFC 3339 in UTC.
    pub fn stamp(&self) -> String {
        stamp_of(self.now())
    }
}

/// A time as stored: RFC 3339 in UTC.
pub fn stamp_of(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).expect("UTC time formats")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_stands_still_and_stamps_in_utc() {
        let t = time::macros::datetime!(2027-03-14 19:30:00 +01:00);
        let c = Clock::Fixed(t);
        assert_eq!(c.now(), t);
        assert_eq!(c.stamp(), "2027-03-14T18:30:00Z");
        assert!(Clock::System.now() > t - time::Duration::days(3650));
    }
}
