//! A problem shown to a user: a stable code plus named parameters.
//! The words live in `locales/*.json`, so the core never hard-codes text and
//! the UI and CLI render the same message.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

use crate::i18n::{self, Lang};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Problem {
    /// Stable code, e.g. `csv.bad_cost`; the translation key is `problem.<code>`.
    pub code: String,
    pub params: BTreeMap<String, String>,
}

impl Problem {
    pub fn new(code: &str) -> Self {
        Problem { code: code.to_string(), params: BTreeMap::new() }
    }

    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.params.insert(key.to_string(), value.to_string());
        self
    }

    /// In the user's language. A `field` value is a field's name in the
    /// code (`edition`, `title`…): shown by its word (`fieldname.<name>`).
    pub fn render(&self, lang: Lang) -> String {
        let mut params = self.params.clone();
        if let Some(f) = params.get_mut("field") {
            let key = format!("fieldname.{f}");
            let word = i18n::t(lang, &key);
            if word != key {
                *f = word;
            }
        }
        i18n::tr(lang, &format!("problem.{}", self.code), &params)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::from_env()))
    }
}

impl std::error::Error for Problem {}

/// Every module error converts into a `Problem` for display.
pub trait ToProblem {
    fn to_problem(&self) -> Problem;
}

/// What a failed command returns across the IPC boundary and to the CLI:
/// one or more problems, each rendered in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Failure {
    pub problems: Vec<Problem>,
}

impl Failure {
    pub fn render(&self, lang: Lang) -> String {
        self.problems.iter().map(|p| p.render(lang)).collect::<Vec<_>>().join("\n")
    }
}

impl<E: ToProblem> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure { problems: vec![e.to_problem()] }
    }
}

impl ToProblem for Problem {
    fn to_problem(&self) -> Problem {
        self.clone()
    }
}

/// A pabulib file's findings are coded data in the rules crate; here they
/// become messages.
impl ToProblem for crate::pabulib::PbError {
    fn to_problem(&self) -> Problem {
        match self {
            crate::pabulib::PbError::At { line, code, params } => {
                let mut p = Problem::new(&format!("pabulib.{code}")).with("line", line);
                for (k, v) in params {
                    p = p.with(k, v);
                }
                p
            }
            crate::pabulib::PbError::Io(d) => Problem::new("pabulib.io").with("detail", d),
        }
    }
}
