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

/// A stored time on a Belgian wall clock (CET, CEST from the last Sunday
/// of March to the last Sunday of October, both at 01:00 UTC).
pub fn belgian(at: &str) -> Option<OffsetDateTime> {
    use time::{Date, Month, Weekday};
    let utc = OffsetDateTime::parse(at, &Rfc3339).ok()?;
    let last_sunday = |month: Month| -> Option<OffsetDateTime> {
        let mut d = Date::from_calendar_date(utc.year(), month, 31).ok()?;
        while d.weekday() != Weekday::Sunday {
            d = d.previous_day()?;
        }
        Some(d.with_hms(1, 0, 0).ok()?.assume_utc())
    };
    let summer = utc >= last_sunday(Month::March)? && utc < last_sunday(Month::October)?;
    Some(utc.to_offset(time::UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).ok()?))
}

/// A stored time as a message says it: "19:30" in Belgium (the stored text
/// itself when it is not a time).
pub fn belgian_hhmm(at: &str) -> String {
    belgian(at).map(|t| format!("{:02}:{:02}", t.hour(), t.minute())).unwrap_or_else(|| at.to_string())
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

    #[test]
    fn stored_times_read_on_a_belgian_clock() {
        assert_eq!(belgian_hhmm("2027-03-14T18:30:00Z"), "19:30");
        assert_eq!(belgian_hhmm("2027-07-01T18:30:05.123456789Z"), "20:30");
        assert_eq!(belgian_hhmm("2027-03-28T00:59:00Z"), "01:59");
        assert_eq!(belgian_hhmm("2027-03-28T01:00:00Z"), "03:00");
        assert_eq!(belgian_hhmm("?"), "?");
    }
}
