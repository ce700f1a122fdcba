//! The one SQLite file: opening it, migrations (`migrations/*.sql`), the
//! write path with its guards (`store`), the hash chain every record is
//! claimed in (`audit`), and backups (`backup`).

pub mod audit;
pub mod backup;
pub mod store;
