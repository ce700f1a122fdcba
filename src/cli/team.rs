//! `wijkstem team`: the roster of who may sign in, with roles and PINs.

use crate::*;

#[derive(Subcommand)]
pub enum TeamCommand {
    /// The names on the roster with their role
    List,
    /// Put someone on the roster (the very first one, a coordinator, needs no sign-in)
    Add {
        name: String,
        /// coordinator or volunteer
        #[arg(long)]
        role: String,
        /// Their PIN, 4 to 6 digits (or WIJKSTEM_NEW_PIN)
        #[arg(long, env = "WIJKSTEM_NEW_PIN", hide_env_values = true)]
        new_pin: String,
    },
    /// A new PIN (your own, or as coordinator anyone's)
    Pin {
        name: String,
        #[arg(long, env = "WIJKSTEM_NEW_PIN", hide_env_values = true)]
        new_pin: String,
    },
    /// Change someone's role, or take them off the roster (--off) or back on (--on)
    Change {
        name: String,
        #[arg(long)]
        role: Option<String>,
        #[arg(long, conflicts_with = "on")]
        off: bool,
        #[arg(long)]
        on: bool,
    },
}

pub fn team(s: &mut Session, command: &TeamCommand, lang: Lang) -> Result<(), Failure> {
    use wijkstem::roster::Role;
    use wijkstem::Problem;
    let role_of =
        |r: &str| Role::parse(r).ok_or_else(|| Failure::from(Problem::new("roster.bad_role").with("role", r)));
    let find = |s: &Session, name: &str| -> Result<wijkstem::roster::RosterMember, Failure> {
        let key = wijkstem::roster::name_key(name);
        s.roster()?
            .into_iter()
            .find(|m| wijkstem::roster::name_key(&m.name) == key)
            .ok_or_else(|| Problem::new("roster.unknown_name").with("name", name.trim()).into())
    };
    match command {
        TeamCommand::List => {
            for m in s.roster()? {
                let off = if m.active { String::new() } else { format!("\t{}", t(lang, "team.off")) };
                println!("{}\t{}{}", m.name, t(lang, &format!("role.{}", m.role.as_str())), off);
            }
        }
        TeamCommand::Add { name, role, new_pin } => {
            let role = role_of(role)?;
            let m = if s.sign_in_screen()?.roster.is_empty() && s.operator().is_none() {
                if role != Role::Coordinator {
                    return Err(Problem::new("roster.first_is_coordinator").into());
                }
                s.set_up_roster(name, new_pin)?;
                find(s, name)?
            } else {
                s.add_to_roster(name, role, new_pin)?
            };
            println!("{}\t{}", m.name, t(lang, &format!("role.{}", m.role.as_str())));
        }
        TeamCommand::Pin { name, new_pin } => {
            // Anyone may set their own PIN; the roster list is for coordinators.
            let id = if s.operator().map(wijkstem::roster::name_key) == Some(wijkstem::roster::name_key(name)) {
                s.own_roster_id()?
            } else {
                find(s, name)?.id
            };
            s.set_roster_pin(id, new_pin)?;
            println!("{}", t(lang, "team.pin_saved").replace("{name}", name.trim()));
        }
        TeamCommand::Change { name, role, off, on } => {
            let m = find(s, name)?;
            let role = match role {
                Some(r) => role_of(r)?,
                None => m.role,
            };
            let active = if *off { false } else { *on || m.active };
            let m = s.set_roster_member(m.id, role, active)?;
            let off = if m.active { String::new() } else { format!("\t{}", t(lang, "team.off")) };
            println!("{}\t{}{}", m.name, t(lang, &format!("role.{}", m.role.as_str())), off);
        }
    }
    Ok(())
}
