//! Reading the CLI's small value formats into the core's types. Every bad
//! value is a coded problem in the user's language, never a panic.

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use wijkstem::i18n::Lang;
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

/// A command line clap cannot read, said in the user's language (clap's
/// own words are English): what is wrong, the usage line, where to find
/// help. `--help` and `--version` print as clap prints them.
pub fn refuse(e: clap::Error, lang: Lang) -> ExitCode {
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            eprintln!("{}\n", Problem::new("args.which").render(lang));
        }
        let _ = e.print();
        return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
    }
    eprintln!("{}", args_problem(&e, lang));
    if let Some(usage) = e.get(ContextKind::Usage).map(text) {
        let usage = usage.trim().trim_start_matches("Usage:").trim().to_string();
        eprintln!("\n{}", Problem::new("args.usage").with("usage", usage).render(lang));
    }
    eprintln!("{}", Problem::new("args.more").render(lang));
    ExitCode::from(2)
}

fn text(v: &ContextValue) -> String {
    match v {
        ContextValue::String(s) => s.clone(),
        ContextValue::Strings(v) => v.join(", "),
        ContextValue::StyledStr(s) => s.to_string(),
        ContextValue::Number(n) => n.to_string(),
        ContextValue::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

fn args_problem(e: &clap::Error, lang: Lang) -> String {
    let get = |k: ContextKind| e.get(k).map(text).unwrap_or_default();
    let arg = [ContextKind::InvalidArg, ContextKind::InvalidSubcommand]
        .into_iter()
        .map(get)
        .find(|s| !s.is_empty())
        .unwrap_or_default();
    let value = get(ContextKind::InvalidValue);
    let choices = get(ContextKind::ValidValue);
    let hint = [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand]
        .into_iter()
        .map(get)
        .find(|s| !s.is_empty())
        .map(|s| {
            let or = format!("’ {} ‘", Problem::new("args.or").render(lang));
            Problem::new("args.did_you_mean").with("suggestion", format!("‘{}’", s.replace(", ", &or))).render(lang)
        })
        .unwrap_or_default();
    let problem = match e.kind() {
        ErrorKind::UnknownArgument => Problem::new("args.unknown").with("arg", &arg).with("hint", hint),
        ErrorKind::InvalidSubcommand => Problem::new("args.unknown_command").with("arg", &arg).with("hint", hint),
        ErrorKind::MissingRequiredArgument => Problem::new("args.missing").with("args", &arg),
        ErrorKind::MissingSubcommand => {
            Problem::new("args.missing_command").with("choices", get(ContextKind::ValidSubcommand))
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation if value.is_empty() => {
            Problem::new("args.needs_value").with("arg", &arg)
        }
        ErrorKind::InvalidValue if !choices.is_empty() => {
            Problem::new("args.choice").with("value", &value).with("arg", &arg).with("choices", choices)
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let number = std::error::Error::source(e).is_some_and(|s| s.is::<std::num::ParseIntError>());
            Problem::new(if number { "args.bad_number" } else { "args.bad_value" })
                .with("value", &value)
                .with("arg", &arg)
        }
        ErrorKind::ArgumentConflict => match get(ContextKind::PriorArg) {
            // clap says "cannot be used multiple times" this way.
            other if other == arg || other.is_empty() => Problem::new("args.once").with("arg", &arg),
            other => Problem::new("args.conflict").with("arg", &arg).with("other", other),
        },
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            Problem::new("args.values").with("arg", &arg)
        }
        _ => Problem::new("args.other"),
    };
    problem.render(lang)
}
