//! What leaves the laptop: the result report (`report`, PDF), the signed
//! result bundle and its verifier (`bundle`), cast-vote records and pabulib
//! exports (`cvr`), and the signing key (`signing`).

pub mod bundle;
pub mod cvr;
pub mod report;
pub mod signing;
