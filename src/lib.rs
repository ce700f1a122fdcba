//! Wijkstem core: everything that decides, stores or prints lives here.
//! The desktop shell (`src-tauri/`) and the CLI (`src/main.rs`) only call in.
//!
//! Invariants (see ARCHITECTURE.md):
//! - `rules` and `pabulib` parsing are pure: no I/O, no clock, no randomness
//!   other than a seed passed in.
//! - Every change to stored data goes through `store` in one transaction
//!   together with its `audit` event, so a change without an event cannot exist.
//! - Money is integer euro cents (`money::Cents`).

pub mod audit;
pub mod backup;
pub mod ballot;
pub mod batch;
pub mod bundle;
pub mod csv_import;
pub mod cvr;
pub mod demo;
pub mod fuzzing;
pub mod i18n;
pub mod money;
pub mod pabulib;
pub mod panel;
pub mod paper;
pub mod pdf;
pub mod problem;
pub mod report;
pub mod review;
pub mod roster;
pub mod rules;
pub mod selection;
pub mod session;
pub mod signing;
pub mod store;
pub mod tables;

pub use problem::Problem;
