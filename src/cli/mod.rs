//! The CLI's command groups, each a thin layer over `wijkstem::session`:
//! parse, call the session, print. No rule is decided here.

pub mod ballots;
pub mod pb;
pub mod team;
