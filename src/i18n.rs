//! Translations shared with the UI: both read `locales/<lang>.json`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// `en` for English, anything else Dutch.
    pub fn from_code(code: &str) -> Lang {
        if code.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Nl
        }
    }

    /// Dutch unless the environment clearly asks for English.
    pub fn from_env() -> Lang {
        for var in ["WIJKSTEM_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var) {
                if v.is_empty() {
                    continue;
                }
                return if v.to_ascii_lowercase().starts_with("en") { Lang::En } else { Lang::Nl };
            }
        }
        Lang::Nl
    }
}

const NL: &str = include_str!("../locales/nl.json");
const EN: &str = include_str!("../locales/en.json");

fn table(lang: Lang) -> &'static Value {
    static NL_T: OnceLock<Value> = OnceLock::new();
    static EN_T: OnceLock<Value> = OnceLock::new();
    let (cell, src) = match lang {
        Lang::Nl => (&NL_T, NL),
        Lang::En => (&EN_T, EN),
    };
    cell.get_or_init(|| serde_json::from_str(src).expect("locales are valid JSON (checked by tests)"))
}

fn lookup<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    let mut cur = v;
    for part in key.split('.') {
        cur = cur.get(part)?;
    }
    cur.as_str()
}

/// Translate `key`, substituting `{name}` placeholders. A missing key falls
/// back to Dutch, then to the key itself, so a message is never empty.
pub fn tr(lang: Lang, key: &str, params: &BTreeMap<String, String>) -> String {
    let template = lookup(table(lang), key).or_else(|| lookup(table(Lang::Nl), key)).unwrap_or(key);
    let mut out = template.to_string();
    for (k, v) in params {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

pub fn t(lang: Lang, key: &str) -> String {
    tr(lang, key, &BTreeMap::new())
}

/// All leaf keys of a locale, for the parity test.
pub fn keys(lang: Lang) -> Vec<String> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(&p, v, out);
                }
            }
            _ => out.push(prefix.to_string()),
        }
    }
    let mut out = Vec::new();
    walk("", table(lang), &mut out);
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_and_english_have_the_same_keys() {
        assert_eq!(keys(Lang::Nl), keys(Lang::En));
        assert!(keys(Lang::Nl).len() > 20);
    }

    #[test]
    fn placeholders_are_filled() {
        let mut p = BTreeMap::new();
        p.insert("row".to_string(), "7".to_string());
        p.insert("column".to_string(), "cost".to_string());
        p.insert("value".to_string(), "abc".to_string());
        let s = tr(Lang::Nl, "problem.csv.bad_cost", &p);
        assert!(s.contains('7') && s.contains("abc"), "{s}");
        assert!(!s.contains('{'), "{s}");
    }
}
