//! Reading the CLI's small value formats into the core's types. Every bad
//! value is a coded problem in the user's language, never a panic.

use wijkstem::money::{parse_euro, Cents};
use wijkstem::problem::{Failure, Problem};

/// An amount in euro as people write it ("28500", "28.500,00", "€ 1.000").
pub fn euro(text: &str) -> Result<Cents, Failure> {
    parse_euro(text).ok_or_else(|| Problem::new("cli.bad_amount").with("value", text).into())
}

/// `A=3,B=2` (plan code = number), as a list of pairs in the order written.
pub fn pairs(text: &str) -> Result<Vec<(String, u32)>, Failure> {
    let bad = || Failure::from(Problem::new("cli.bad_pairs").with("value", text));
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (code, n) = p.split_once('=').ok_or_else(bad)?;
            let n: u32 = n.trim().parse().map_err(|_| bad())?;
            Ok((code.trim().to_string(), n))
        })
        .collect()
}

/// `A,B,C` as a list of codes.
pub fn list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect()
}

/// `CODE=text` (a condition or note per plan).
pub fn labelled(text: &str) -> Result<(String, String), Failure> {
    text.split_once('=')
        .map(|(c, t)| (c.trim().to_string(), t.trim().to_string()))
        .ok_or_else(|| Problem::new("cli.bad_pairs").with("value", text).into())
}

/// A way of voting with its number: `points:10`, `approval:3`, `ranking`,
/// `support`, `consent`; `allowed` are the kinds this command takes.
pub fn format(text: &str, allowed: &[&str]) -> Result<(String, Option<u32>), Failure> {
    let bad = || Failure::from(Problem::new("cli.bad_format").with("value", text).with("choices", allowed.join(", ")));
    let (kind, n) = match text.split_once(':') {
        Some((k, n)) => (k.trim(), Some(n.trim().parse::<u32>().map_err(|_| bad())?)),
        None => (text.trim(), None),
    };
    if !allowed.iter().any(|a| a.split(':').next() == Some(kind)) {
        return Err(bad());
    }
    Ok((kind.to_string(), n))
}

/// A view as pretty JSON on stdout (for scripts and for reading).
pub fn print_json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(value).expect("views serialise to JSON"));
}
