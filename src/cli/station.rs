//! `wijkstem station`: counting on several laptops with signed packages
//! carried by hand (`docs/stations.md`).

use crate::*;

#[derive(Subcommand)]
pub enum StationCommand {
    /// This laptop's key id: what the coordinator admits a counting station by
    Key,
    /// Coordinator: write the signed set-up package of a paper-ballot selection
    ExportSetup {
        selection: i64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Counting station: take over a selection from a set-up package
    ImportSetup { file: PathBuf },
    /// Coordinator: accept packages signed by a station's key, under a name
    Admit {
        selection: i64,
        key_id: String,
        #[arg(long)]
        name: String,
    },
    /// Counting station: write a signed package of the entries (all boxes, or --box NAME)
    Export {
        selection: i64,
        #[arg(long = "box")]
        box_name: Option<String>,
        /// This laptop is done with the box (or every box): close it here, so the coordinator can close it
        #[arg(long)]
        hand_in: bool,
        #[arg(long)]
        out: PathBuf,
    },
    /// Coordinator: import station packages (in any order; a package seen before changes nothing)
    Import {
        selection: i64,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Coordinator: the admitted stations and what came from each
    List { selection: i64 },
    /// Coordinator: entries from packages that could not be admitted
    Conflicts { selection: i64 },
    /// Coordinator: settle a conflict after looking at the ballot, with a note
    Settle {
        selection: i64,
        conflict: i64,
        #[arg(long)]
        note: String,
    },
}

fn say(lang: Lang, key: &str, params: &[(&str, String)]) -> String {
    let p: std::collections::BTreeMap<String, String> =
        params.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    wijkstem::i18n::tr(lang, &format!("stationout.{key}"), &p)
}

#[derive(Subcommand)]
pub enum OnlineCommand {
    /// Import the online vote: the platform's pabulib .pb file, or a CSV with the columns pseudoniem,stem (all or nothing)
    Import { selection: i64, file: PathBuf },
    /// Compare an offline desk's list of pseudonyms (one per line) with those who voted online
    CheckDesk { selection: i64, file: PathBuf },
}

pub fn online(s: &mut Session, command: &OnlineCommand, lang: Lang) -> Result<(), Failure> {
    let (selection, file) = match command {
        OnlineCommand::Import { selection, file } => (selection, file),
        OnlineCommand::CheckDesk { selection, file } => {
            let r = s.check_desk_list_file(*selection, &file.to_string_lossy())?;
            let found = r.also_online.len().to_string();
            println!(
                "{}",
                say(lang, "desk_checked", &[("file", r.file), ("listed", r.listed.to_string()), ("found", found)])
            );
            for name in r.also_online {
                println!("{name}");
            }
            return Ok(());
        }
    };
    let r = s.import_online_file(*selection, &file.to_string_lossy())?;
    let key = if r.already { "online_already" } else { "online_imported" };
    println!("{}", say(lang, key, &[("file", r.file), ("votes", r.votes.to_string()), ("sha", r.sha256)]));
    Ok(())
}

pub fn station(s: &mut Session, command: &StationCommand, lang: Lang) -> Result<(), Failure> {
    let pass = std::env::var("WIJKSTEM_KEY_PASSPHRASE").ok();
    match command {
        StationCommand::Key => println!("{}", s.station_key_id(pass.as_deref())?),
        StationCommand::ExportSetup { selection, out } => {
            let zip = s.export_setup(*selection, pass.as_deref())?;
            write_file(out, &zip)?;
            let key = s.station_key_id(pass.as_deref())?;
            println!("{}", say(lang, "setup_written", &[("path", out.display().to_string()), ("key", key)]));
        }
        StationCommand::ImportSetup { file } => {
            let r = s.import_setup_file(&file.to_string_lossy(), pass.as_deref())?;
            println!(
                "{}",
                say(
                    lang,
                    "setup_imported",
                    &[("id", r.selection_id.to_string()), ("key", r.coordinator_key), ("mine", r.station_key)]
                )
            );
        }
        StationCommand::Admit { selection, key_id, name } => {
            s.admit_station(*selection, key_id, name)?;
            println!(
                "{}",
                say(lang, "admitted", &[("key", key_id.trim().to_ascii_uppercase()), ("name", name.trim().into())])
            );
        }
        StationCommand::Export { selection, box_name, hand_in, out } => {
            let (zip, number) = s.export_station(*selection, box_name.as_deref(), *hand_in, pass.as_deref())?;
            write_file(out, &zip)?;
            println!(
                "{}",
                say(lang, "written", &[("path", out.display().to_string()), ("number", number.to_string())])
            );
        }
        StationCommand::Import { selection, files } => {
            // Each package is checked and imported on its own: a refused one
            // leaves the others (and itself) untouched, and is named.
            let mut failed: Vec<wijkstem::Problem> = Vec::new();
            for f in files {
                let r = s.import_station_file(*selection, &f.to_string_lossy());
                match r {
                    Ok(r) if r.already => {
                        println!("{}", say(lang, "already", &[("file", r.file), ("station", r.station)]))
                    }
                    Ok(r) => println!(
                        "{}",
                        say(
                            lang,
                            "imported",
                            &[
                                ("file", r.file),
                                ("station", r.station),
                                ("number", r.number.to_string()),
                                ("added", r.added.to_string()),
                                ("repeated", r.repeated.to_string()),
                                ("conflicts", r.conflicts.to_string()),
                                ("withdrawn", r.withdrawn.to_string()),
                            ],
                        )
                    ),
                    Err(e) => failed.extend(e.problems),
                }
            }
            if !failed.is_empty() {
                return Err(Failure { problems: failed });
            }
        }
        StationCommand::List { selection } => {
            let stations = s.stations(*selection)?;
            if stations.is_empty() {
                println!("{}", wijkstem::i18n::t(lang, "stationout.none_here"));
            }
            for st in stations {
                println!(
                    "{}",
                    say(
                        lang,
                        "station_line",
                        &[
                            ("name", st.name),
                            ("key", st.key_id),
                            ("packages", st.packages.to_string()),
                            ("number", st.last_number.to_string()),
                            ("at", st.last_import.unwrap_or_else(|| "—".into())),
                            ("entries", st.entries.to_string()),
                        ],
                    )
                );
                for b in st.boxes {
                    let state = if b.handed_in { "box_handed_in" } else { "box_open" };
                    let name = if b.name.is_empty() { wijkstem::i18n::t(lang, "stationout.all_work") } else { b.name };
                    println!(
                        "\t{}",
                        say(
                            lang,
                            state,
                            &[
                                ("box", name),
                                ("entries", b.entries.to_string()),
                                ("at", b.last_import.unwrap_or_else(|| "—".into()))
                            ]
                        )
                    );
                }
            }
        }
        StationCommand::Conflicts { selection } => {
            for c in s.station_conflicts(*selection)? {
                let reason = wijkstem::i18n::t(lang, &format!("stationout.reason.{}", c.reason.replace('.', "_")));
                println!(
                    "{}",
                    say(
                        lang,
                        "conflict_line",
                        &[
                            ("id", c.id.to_string()),
                            ("serial", wijkstem::paper::ballot::Serial(c.serial).display()),
                            ("station", c.station),
                            ("operator", c.operator),
                            ("marks", c.marks),
                            ("reason", reason),
                            ("others", c.others.join("; ")),
                            (
                                "state",
                                wijkstem::i18n::t(
                                    lang,
                                    if c.settled { "stationout.settled_state" } else { "stationout.open" }
                                ),
                            ),
                        ],
                    )
                );
            }
        }
        StationCommand::Settle { selection, conflict, note } => {
            s.settle_conflict(*selection, *conflict, note)?;
            println!("{}", say(lang, "settled", &[("id", conflict.to_string())]));
        }
    }
    Ok(())
}
