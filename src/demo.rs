//! The built-in demo edition: three Ghent wijken (one per method) with realistic plans, so the
//! app is never empty on first launch and a facilitator can practise.

/// The demo's team and the name the demo writes under live with the roster,
/// which must know them (the demo's PINs are public).
pub use crate::roster::{DEMO_EDITION, DEMO_OPERATOR, DEMO_ROSTER};

use crate::selection::{Method, PlanInput, Selection, SelectionError, SelectionInput};
use crate::storage::store::Store;

type P = (&'static str, &'static str, &'static str, i64, &'static str);

const MUIDE: &[P] = &[
    (
        "MM01",
        "Groene speelplaats Afrikalaan",
        "Tegels eruit, bomen en een moestuin erin op het pleintje aan de Afrikalaan.",
        28_500,
        "Buurtcomité Afrikalaan",
    ),
    (
        "MM02",
        "Zitbanken langs het Houtdok",
        "Tien houten zitbanken met leuning langs de kade, ook voor ouderen.",
        9_800,
        "Seniorenraad Muide",
    ),
    (
        "MM03",
        "Buurtfeest Meulestede",
        "Een zomerfeest op de Meulesteedsesteenweg met muziek en eten van de buurt.",
        6_500,
        "Vzw Meulestede Leeft",
    ),
    (
        "MM04",
        "Deelbakfietsen voor de Muide",
        "Drie elektrische bakfietsen die buren gratis kunnen lenen.",
        14_200,
        "Fietsgroep Muide",
    ),
    (
        "MM05",
        "Opknappen voetbalkooi Kapiteinstraat",
        "Nieuwe netten, verlichting en een zachte ondergrond.",
        22_000,
        "Jeugdwerking De Muide",
    ),
    (
        "MM06",
        "Huiswerkklas in het wijkcentrum",
        "Twee avonden per week begeleiding voor kinderen van het lager onderwijs.",
        12_750,
        "Ouders van de Muide",
    ),
    (
        "MM07",
        "Gevelgroen in de Zeemanstraat",
        "Geveltuintjes en klimplanten voor dertig huizen.",
        7_400,
        "Bewoners Zeemanstraat",
    ),
    (
        "MM08",
        "Veilige oversteek aan de Voorhavenlaan",
        "Een verhoogd zebrapad met verlichting bij de schoolpoort.",
        35_000,
        "Schoolraad Sint-Antonius",
    ),
    (
        "MM09",
        "Repair Café met gereedschap",
        "Gereedschap en materiaal voor een maandelijks Repair Café.",
        4_300,
        "Repair Café Gent-Noord",
    ),
    (
        "MM10",
        "Kunstwerk op de blinde muur van het dok",
        "Een muurschildering door jongeren uit de wijk, begeleid door een kunstenaar.",
        18_900,
        "Jongerenhuis Oever",
    ),
    (
        "MM11",
        "Drinkwaterfontein aan het Sint-Annaplein",
        "Een openbaar drinkwaterpunt voor spelende kinderen en wandelaars.",
        11_600,
        "Gezinsbond Muide",
    ),
];

const SLUIZEKEN: &[P] = &[
    (
        "ST01",
        "Buurtmoestuin op het Sluizekenplein",
        "Vierkantemetertuinen voor buren zonder tuin, met regenwateropvang.",
        16_800,
        "Tuinploeg Sluizeken",
    ),
    (
        "ST02",
        "Verlichting in de Tolhuisstraat",
        "Warme, zuinige verlichting in de donkere hoek bij het Tolhuis.",
        24_500,
        "Bewonersgroep Tolhuis",
    ),
    (
        "ST03",
        "Speelstraat-kit voor de Ham",
        "Verkeersborden, krijt en spelmateriaal voor zomerse speelstraten.",
        3_900,
        "Speelstraatouders Ham",
    ),
    (
        "ST04",
        "Taalcafé in het Oud Begijnhof",
        "Wekelijkse ontmoeting om Nederlands te oefenen met koffie en thee.",
        5_600,
        "Vzw Samen Praten",
    ),
    (
        "ST05",
        "Fietsenstalling aan de Dampoort-kant",
        "Een overdekte stalling voor veertig fietsen.",
        31_000,
        "Fietsersbond Gent-Centrum",
    ),
    (
        "ST06",
        "Bankjes en bloembakken op de Ham",
        "Zitplekken en plantenbakken die de buurt zelf onderhoudt.",
        8_250,
        "Buurtwerking De Ham",
    ),
    (
        "ST07",
        "Sportkamp voor tieners in de zomer",
        "Een week sport en spel voor twintig tieners uit de wijk.",
        9_900,
        "Jeugdhuis 't Sluizeken",
    ),
    (
        "ST08",
        "Afvalvrije markt",
        "Herbruikbare bekers en een afwasstation voor de wijkmarkt.",
        4_750,
        "Marktcomité Tolhuis",
    ),
    (
        "ST09",
        "Boekenruilkastjes",
        "Zes weerbestendige boekenkastjes op pleintjes in de wijk.",
        2_600,
        "Bibliotheekvrienden",
    ),
    (
        "ST10",
        "Ontmoetingsruimte voor senioren",
        "Inrichting van een lokaal met een toegankelijk toilet en een keukenhoek.",
        27_300,
        "Dienstencentrum Sluizeken",
    ),
];

const WATERSPORTBAAN: &[P] = &[
    (
        "WE01",
        "Speelbos aan de Blaarmeersen",
        "Boomstammen, een wilgentunnel en een zandzone voor kleine kinderen.",
        21_000,
        "Ouders Watersportbaan",
    ),
    (
        "WE02",
        "Fietsherstelpunt aan het Europaplein",
        "Een pomp en gereedschap aan een paal, dag en nacht bruikbaar.",
        3_800,
        "Fietsersbond Ekkergem",
    ),
    (
        "WE03",
        "Buurtkeuken in de Ekkergemstraat",
        "Een gedeelde keuken waar buren samen koken en eten.",
        26_500,
        "Vzw Buurtkeuken",
    ),
    (
        "WE04",
        "Zonnepanelen op het buurthuis",
        "Panelen op het dak van het buurthuis, de winst gaat naar activiteiten.",
        18_000,
        "Energiecoöperatie Ekkergem",
    ),
    (
        "WE05",
        "Bankjes langs de Watersportbaan",
        "Acht zitbanken met schaduw langs het water.",
        7_200,
        "Bewoners Watersportbaan",
    ),
    (
        "WE06",
        "Kinderboerderij-uitstap voor scholen",
        "Busvervoer voor zes klassen naar de kinderboerderij.",
        2_900,
        "Scholen Ekkergem",
    ),
    ("WE07", "Muziekstudio voor jongeren", "Een kleine opnamestudio in het jeugdhuis.", 15_400, "Jeugdhuis Kompas"),
    (
        "WE08",
        "Bloembakken in de Hofbouwlaan",
        "Twintig bloembakken die bewoners zelf onderhouden.",
        4_600,
        "Bewoners Hofbouwlaan",
    ),
];

/// Panel members of the demo: codes and pseudonyms, as drawn by lot.
pub const PANEL: &[(&str, &str)] = &[
    ("P01", "Amira"),
    ("P02", "Bart"),
    ("P03", "Chloë"),
    ("P04", "Dries"),
    ("P05", "Elif"),
    ("P06", "Fien"),
    ("P07", "Gert"),
    ("P08", "Hanna"),
    ("P09", "Ilias"),
    ("P10", "Jana"),
    ("P11", "Kobe"),
    ("P12", "Lotte"),
    ("P13", "Mehmet"),
    ("P14", "Nora"),
    ("P15", "Omar"),
    ("P16", "Paulien"),
    ("P17", "Quinten"),
    ("P18", "Rania"),
    ("P19", "Sam"),
    ("P20", "Tine"),
];

pub fn wijken() -> [(&'static str, i64, Method, &'static [P]); 3] {
    [
        ("Muide-Meulestede-Afrikalaan", 120_000, Method::Ballots, MUIDE),
        ("Sluizeken-Tolhuis-Ham", 90_000, Method::Tables, SLUIZEKEN),
        ("Watersportbaan-Ekkergem", 60_000, Method::Panel, WATERSPORTBAAN),
    ]
}

/// Create the demo edition. Idempotent per database: a second call adds a
/// second copy, so callers check emptiness first (see `Session`).
pub fn load(store: &mut Store, operator: &str) -> Result<Vec<Selection>, SelectionError> {
    let mut out = Vec::new();
    for (wijk, budget_euro, method, plans) in wijken() {
        let s = store.create_selection(
            operator,
            &SelectionInput {
                edition: DEMO_EDITION.to_string(),
                wijk: wijk.to_string(),
                budget_cents: budget_euro * 100,
                method,
            },
        )?;
        for (code, title, description, cost, initiator) in plans {
            store.add_plan(
                operator,
                s.id,
                &PlanInput {
                    code: code.to_string(),
                    title: title.to_string(),
                    description: description.to_string(),
                    cost_cents: cost * 100,
                    initiator: initiator.to_string(),
                },
            )?;
        }
        if method == Method::Panel {
            for (code, name) in PANEL {
                store
                    .add_member(operator, s.id, code, name)
                    .map_err(|f| SelectionError::Demo(f.render(crate::i18n::Lang::Nl)))?;
            }
            store.set_quorum(operator, s.id, 12).map_err(|f| SelectionError::Demo(f.render(crate::i18n::Lang::Nl)))?;
        }
        out.push(crate::selection::read(store.db(), s.id)?);
    }
    // A laptop without a roster gets the demo's, so the demo can be tried;
    // an existing roster is left as it is.
    if crate::roster::roster(store.db())?.is_empty() {
        for (name, role, pin) in DEMO_ROSTER {
            store
                .add_to_roster(operator, name, *role, pin)
                .map_err(|f| SelectionError::Demo(f.render(crate::i18n::Lang::Nl)))?;
        }
    }
    Ok(out)
}
