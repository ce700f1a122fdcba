//! Wijkstem core: everything that decides, stores or prints lives here.
//! The desktop shell (`src-tauri/`) and the CLI (`src/main.rs`) only call in.
//!
//! Invariants (see ARCHITECTURE.md):
//! - `rules` and `pabulib` parsing are pure: no I/O, no clock, no randomness
//!   other than a seed passed in.
//! - Every change to stored data goes through `store` in one transaction
//!   together with its `audit` event, so a change without an event cannot exist.
//! - Money is integer euro cents (`money::Cents`).

pub mod clock;
pub mod demo;
pub mod explain;
pub mod fuzzing;
pub mod i18n;
pub mod money;
pub mod output;
pub mod panel;
pub mod paper;
pub mod pdf;
pub mod problem;
pub mod roster;
pub mod selection;
pub mod session;
pub mod station;
pub mod storage;
pub mod tables;

/// The counting rules and the pabulib format live in their own pure crate
/// (`crates/rules`: no SQLite, no messages); the core renders their
/// explanations in the user's language (`explain`).
pub use wijkstem_rules::{self as rules, pabulib};

pub use problem::Problem;
