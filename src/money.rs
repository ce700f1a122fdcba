//! Money is integer euro cents. Parsing accepts what people type in Flanders
//! and in spreadsheets: `12500`, `12.500`, `12.500,50`, `12500,5`, `12,500.50`,
//! `€ 1.250`. A lone separator followed by exactly three digits is a thousands
//! separator (Dutch `12.500` is twelve thousand five hundred); followed by one
//! or two digits it is the decimal separator.

use crate::i18n::Lang;

pub type Cents = i64;

/// Largest amount we accept: one billion euro. Keeps every sum far from overflow.
pub const MAX_CENTS: Cents = 100_000_000_000;

pub fn parse_euro(input: &str) -> Option<Cents> {
    let s: String = input
        .trim()
        .trim_start_matches('€')
        .trim_end_matches('€')
        .trim()
        .trim_end_matches("EUR")
        .trim()
        .chars()
        .filter(|c| *c != ' ' && *c != '\u{a0}' && *c != '\'')
        .collect();
    if s.is_empty() || s.starts_with('-') {
        return None;
    }
    let last_dot = s.rfind('.');
    let last_comma = s.rfind(',');
    let (int_part, frac_part): (String, String) = match (last_dot, last_comma) {
        (None, None) => (s.clone(), String::new()),
        (Some(d), Some(c)) => {
            let (dec, thou) = if d > c { ('.', ',') } else { (',', '.') };
            let pos = s.rfind(dec).expect("the separator was found above");
            let int = &s[..pos];
            if int.contains(dec) || !thousands_ok(int, thou) {
                return None;
            }
            (int.replace(thou, ""), s[pos + 1..].to_string())
        }
        (Some(_), None) | (None, Some(_)) => {
            let sep = if last_dot.is_some() { '.' } else { ',' };
            let parts: Vec<&str> = s.split(sep).collect();
            let last = parts.last().expect("split gives at least one part");
            if parts.len() == 2 && (last.len() == 1 || last.len() == 2) {
                (parts[0].to_string(), last.to_string())
            } else if thousands_ok(&s, sep) {
                (s.replace(sep, ""), String::new())
            } else {
                return None;
            }
        }
    };
    if int_part.is_empty() || !int_part.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if frac_part.len() > 2 || !frac_part.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if int_part.len() > 12 {
        return None;
    }
    let euros: i64 = int_part.parse().ok()?;
    let cents: i64 = match frac_part.len() {
        0 => 0,
        1 => frac_part.parse::<i64>().ok()? * 10,
        _ => frac_part.parse().ok()?,
    };
    let total = euros.checked_mul(100)?.checked_add(cents)?;
    (total <= MAX_CENTS).then_some(total)
}

/// `1.234.567` style grouping: first group 1-3 digits, the rest exactly 3.
/// A first group of 0 is no grouping anyone writes: `0,001` or `0.500` is
/// an amount with three decimals (or a typo), refused rather than read as
/// one or five hundred euro.
fn thousands_ok(s: &str, sep: char) -> bool {
    let groups: Vec<&str> = s.split(sep).collect();
    if groups.len() == 1 {
        return !groups[0].is_empty();
    }
    let first = groups[0];
    !first.is_empty() && !first.starts_with('0') && first.len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)
}

pub fn format_euro(cents: Cents, lang: Lang) -> String {
    let neg = cents < 0;
    let c = cents.unsigned_abs();
    let euros = c / 100;
    let rest = c % 100;
    let (thou, dec) = match lang {
        Lang::Nl => ('.', ','),
        Lang::En => (',', '.'),
    };
    let digits = euros.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(thou);
        }
        grouped.push(ch);
    }
    let sign = if neg { "-" } else { "" };
    match lang {
        Lang::Nl => format!("{sign}€ {grouped}{dec}{rest:02}"),
        Lang::En => format!("{sign}€{grouped}{dec}{rest:02}"),
    }
}

/// Like [`format_euro`], without ",00" for whole euros (`€ 28.500`): what
/// a printed list of plans shows, where width is scarce.
pub fn format_euro_short(cents: Cents, lang: Lang) -> String {
    let full = format_euro(cents, lang);
    if cents % 100 == 0 {
        full[..full.len() - 3].to_string()
    } else {
        full
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_amounts_drop_only_zero_cents() {
        assert_eq!(format_euro_short(2_850_000, Lang::Nl), "€ 28.500");
        assert_eq!(format_euro_short(2_850_050, Lang::Nl), "€ 28.500,50");
        assert_eq!(format_euro_short(2_850_000, Lang::En), "€28,500");
        assert_eq!(format_euro_short(-100, Lang::Nl), "-€ 1");
    }

    /// The same table is checked by the UI's parser (ui/src/money.test.ts).
    #[test]
    fn parses_the_ways_people_write_amounts() {
        let cases: Vec<(String, Option<i64>)> =
            serde_json::from_str(include_str!("../tests/fixtures/amounts.json")).unwrap();
        assert!(cases.len() >= 10);
        for (input, want) in cases {
            assert_eq!(parse_euro(&input), want, "input {input:?}");
        }
    }

    #[test]
    fn formats_per_language() {
        assert_eq!(format_euro(1_250_050, Lang::Nl), "€ 12.500,50");
        assert_eq!(format_euro(1_250_050, Lang::En), "€12,500.50");
        assert_eq!(format_euro(5, Lang::Nl), "€ 0,05");
    }

    proptest::proptest! {
        #[test]
        fn format_then_parse_round_trips(c in 0i64..MAX_CENTS) {
            proptest::prop_assert_eq!(parse_euro(&format_euro(c, Lang::Nl)), Some(c));
            proptest::prop_assert_eq!(parse_euro(&format_euro(c, Lang::En)), Some(c));
        }
    }
}
