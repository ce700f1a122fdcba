//! The CLI's command groups, each a thin layer over `wijkstem::session`:
//! parse, call the session, print. No rule is decided here.

pub mod args;
pub mod ballots;
pub mod draw;
pub mod panel;
pub mod pb;
pub mod setup;
pub mod station;
pub mod tables;
pub mod team;
