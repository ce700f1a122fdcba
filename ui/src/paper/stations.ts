// Offline stemmen on several laptops (docs/stations.md): on the coordinator's
// laptop the set-up package, admitting stations, importing their packages and
// the online vote, with what came from each; on a counting station its key
// and its packages. Files travel on a USB stick; every step is one call of
// the same Session methods the CLI uses.
import type { ConflictView, Origin, Selection, StationView } from "../common/bindings";
import type { Ctx } from "../common/ctx";
import { h, field } from "../common/dom";
import { lang, t } from "../common/i18n";
import { picker } from "../app/tools";

/** The Laptops tab of a paper-ballot selection. */
export async function stationsTab(ctx: Ctx, s: Selection): Promise<HTMLElement> {
  const origin = await ctx.api.stationOrigin(s.id);
  return origin ? stationSide(ctx, s, origin) : coordinatorSide(ctx, s);
}

function passphraseField(): HTMLElement {
  return h(
    "label",
    {},
    t("stationui.passphrase"),
    h("input", { id: "station-passphrase", type: "password", autocomplete: "off", size: 20 }),
  );
}

const passphrase = () => field("station-passphrase") || null;

/** When, in the laptop's own time: "2 dec. 20:15". */
function when(at: string): string {
  return new Date(at).toLocaleString(lang() === "nl" ? "nl-BE" : "en-GB", {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** A key id in groups of four, as written down and compared by eye. */
export function keyGroups(key: string): string {
  return (key.match(/.{1,4}/g) ?? []).join(" ");
}

async function coordinatorSide(ctx: Ctx, s: Selection): Promise<HTMLElement> {
  const [about, stations, conflicts] = await Promise.all([
    ctx.api.aboutInfo(),
    ctx.api.stations(s.id),
    ctx.api.stationConflicts(s.id),
  ]);
  const exportSetup = () =>
    ctx.act(async () => {
      const r = await ctx.api.exportSetupFile(s.id, passphrase());
      ctx.info(t("stationui.setup_done", { path: r.path, key: keyGroups(r.key_id) }), [r.path]);
    });
  const admit = (e: Event) => {
    e.preventDefault();
    ctx.act(async () => {
      const key = field("admit-key").replace(/\s+/g, "");
      const name = field("admit-name");
      await ctx.api.admitStation(s.id, key, name);
      ctx.info(t("stationout.admitted", { name: name.trim(), key: keyGroups(key.toUpperCase()) }));
    });
  };
  const importPackage = async (path: string) => {
    const r = await ctx.api.importStationFile(s.id, path);
    ctx.info(
      r.already
        ? t("stationout.already", { file: r.file, station: r.station })
        : t("stationout.imported", {
            file: r.file,
            station: r.station,
            number: r.number,
            added: r.added,
            repeated: r.repeated,
            conflicts: r.conflicts,
            withdrawn: r.withdrawn,
          }),
    );
  };
  const importOnline = async (path: string) => {
    const r = await ctx.api.importOnlineFile(s.id, path);
    ctx.info(
      r.already
        ? t("stationout.online_already", { file: r.file, votes: r.votes })
        : t("stationout.online_imported", { file: r.file, votes: r.votes, sha: r.sha256 }),
    );
  };
  const checkDesk = async (path: string) => {
    const r = await ctx.api.checkDeskListFile(s.id, path);
    const found = r.also_online.length
      ? t("stationui.desk_found", {
          file: r.file,
          listed: r.listed,
          found: r.also_online.length,
          names: r.also_online.join(", "),
        })
      : t("stationui.desk_none", { file: r.file, listed: r.listed });
    ctx.info(r.repeated ? `${found} ${t("stationui.desk_repeated", { repeated: r.repeated })}` : found);
  };
  const setupCard = h(
    "div",
    { class: "card", id: "setup-card" },
    h("h2", {}, t("stationui.setup_title")),
    h("p", { class: "muted" }, t("stationui.setup_help")),
    about.key_id
      ? h("p", {}, t("stationui.my_key"), " ", h("strong", { class: "key", id: "my-key" }, keyGroups(about.key_id)))
      : null,
    h(
      "div",
      { class: "row" },
      passphraseField(),
      h("button", { id: "setup-export", type: "button", onclick: exportSetup }, t("stationui.setup_export")),
    ),
  );
  const admitForm = h(
    "form",
    { class: "card", id: "admit-form", onsubmit: admit },
    h("h2", {}, t("stationui.admit_title")),
    h("p", { class: "muted" }, t("stationui.admit_help")),
    h(
      "div",
      { class: "row" },
      h(
        "label",
        {},
        t("stationui.admit_key"),
        h("input", { id: "admit-key", size: 22, autocomplete: "off", spellcheck: "false" }),
      ),
      h(
        "label",
        {},
        t("stationui.admit_name"),
        h("input", { id: "admit-name", size: 16, placeholder: t("stationui.admit_name_example") }),
      ),
      h("button", { id: "admit-run", type: "submit" }, t("stationui.admit_run")),
    ),
  );
  const importCard = h(
    "div",
    { class: "card", id: "import-card" },
    h("h2", {}, t("stationui.import_title")),
    h("p", { class: "muted" }, t("stationui.import_help")),
    picker(ctx, "import-package", t("stationui.import_pick"), "package", null, importPackage),
    stationsTable(stations),
  );
  const onlineCard = h(
    "div",
    { class: "card", id: "online-card" },
    h("h2", {}, t("stationui.online_title")),
    h("p", { class: "muted" }, t("stationui.online_help")),
    picker(ctx, "import-online", t("stationui.online_pick"), "online", null, importOnline),
    h("p", { class: "muted" }, t("stationui.desk_help")),
    picker(ctx, "check-desk", t("stationui.desk_pick"), "csv", null, checkDesk),
  );
  const conflictCard = conflicts.length ? conflictsCard(ctx, s, conflicts) : null;
  // Setting up comes first until a station is admitted; then the evening's
  // work (packages in, what each laptop handed in) is at the top.
  const cards = stations.length
    ? [importCard, conflictCard, onlineCard, setupCard, admitForm]
    : [setupCard, admitForm, importCard, conflictCard, onlineCard];
  return h("div", { id: "stations-view" }, h("p", { class: "muted" }, t("stationui.intro")), cards);
}

/** Per station: its key, its packages, and per box whether it handed the box in. */
export function stationsTable(stations: StationView[]): HTMLElement {
  if (!stations.length) return h("p", { class: "muted", id: "stations-none" }, t("stationui.none_admitted"));
  return h(
    "table",
    { id: "stations-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}, t("stationui.col_station")),
        h("th", {}, t("stationui.col_key")),
        h("th", { class: "num" }, t("stationui.col_packages")),
        h("th", {}, t("stationui.col_last")),
        h("th", { class: "num" }, t("stationui.col_entries")),
        h("th", {}, t("stationui.col_boxes")),
      ),
    ),
    h(
      "tbody",
      {},
      stations.map((st) =>
        h(
          "tr",
          { "data-station": st.name },
          h("td", {}, st.name),
          h("td", { class: "key" }, keyGroups(st.key_id)),
          h("td", { class: "num" }, st.packages),
          h("td", {}, st.last_import ? `${st.last_number} — ${when(st.last_import)}` : "—"),
          h("td", { class: "num" }, st.entries),
          h(
            "td",
            {},
            st.boxes.map((b) =>
              h(
                "span",
                {
                  class: b.handed_in ? "badge ok" : "badge",
                  "data-box": b.name,
                  title: b.last_import ? when(b.last_import) : "",
                },
                t(b.handed_in ? "stationui.box_in" : "stationui.box_open", {
                  box: b.name || t("stationout.all_work"),
                  entries: b.entries,
                }),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function conflictsCard(ctx: Ctx, s: Selection, conflicts: ConflictView[]): HTMLElement {
  const settle = (id: number) =>
    ctx.act(async () => {
      await ctx.api.settleConflict(s.id, id, field(`settle-note-${id}`));
      ctx.info(t("stationout.settled", { id }));
    });
  return h(
    "div",
    { class: "card", id: "conflicts-card" },
    h("h2", {}, t("stationui.conflicts_title")),
    h("p", { class: "muted" }, t("stationui.conflicts_help")),
    conflicts.map((c) =>
      h(
        "div",
        { class: c.settled ? "conflict settled" : "conflict", "data-conflict": c.id },
        h(
          "p",
          {},
          h("strong", {}, c.serial),
          " — ",
          t("stationui.conflict_line", {
            station: c.station,
            operator: c.operator,
            marks: c.marks,
            reason: t(`stationout.reason.${c.reason.replace(/\./g, "_")}`),
          }),
        ),
        c.others.length
          ? h("p", { class: "muted" }, t("stationui.conflict_others", { others: c.others.join("; ") }))
          : null,
        c.settled
          ? h("p", { class: "badge ok" }, t("stationout.settled_state"))
          : h(
              "div",
              { class: "row" },
              h("label", {}, t("stationui.settle_note"), h("input", { id: `settle-note-${c.id}`, size: 40 })),
              h(
                "button",
                { class: "secondary settle", type: "button", onclick: () => settle(c.id) },
                t("stationui.settle_run"),
              ),
            ),
      ),
    ),
  );
}

async function stationSide(ctx: Ctx, s: Selection, origin: Origin): Promise<HTMLElement> {
  const [about, boxes] = await Promise.all([ctx.api.aboutInfo(), ctx.api.listBoxes(s.id)]);
  const exportPackage = (e: Event) => {
    e.preventDefault();
    ctx.act(async () => {
      const box = field("station-box") || null;
      const handIn = (document.getElementById("station-hand-in") as HTMLInputElement | null)?.checked ?? false;
      if (
        handIn &&
        !confirm(t(box ? "stationui.confirm_hand_in_box" : "stationui.confirm_hand_in", { box: box ?? "" }))
      )
        return;
      const r = await ctx.api.exportStationFile(s.id, box, handIn, passphrase());
      ctx.info(t("stationui.package_done", { number: r.number, path: r.path }), [r.path]);
    });
  };
  const showKey = () =>
    ctx.act(async () => {
      const key = await ctx.api.stationKeyId(passphrase());
      ctx.info(t("stationui.key_is", { key: keyGroups(key) }));
    });
  return h(
    "div",
    { id: "stations-view", "data-station-copy": "1" },
    h(
      "div",
      { class: "card", id: "station-card" },
      h("h2", {}, t("stationui.station_title")),
      h("p", {}, t("stationui.station_from", { key: keyGroups(origin.coordinator_key) })),
      about.key_id
        ? h(
            "p",
            {},
            t("stationui.station_key"),
            " ",
            h("strong", { class: "key", id: "my-key" }, keyGroups(about.key_id)),
          )
        : h(
            "div",
            { class: "row" },
            passphraseField(),
            h("button", { id: "show-key", type: "button", onclick: showKey }, t("stationui.make_key")),
          ),
    ),
    h(
      "form",
      { class: "card", id: "station-export", onsubmit: exportPackage },
      h("h2", {}, t("stationui.package_title")),
      h("p", { class: "muted" }, t("stationui.package_help")),
      h(
        "div",
        { class: "row" },
        boxes.length
          ? h(
              "label",
              {},
              t("stationui.package_box"),
              h(
                "select",
                { id: "station-box" },
                h("option", { value: "" }, t("stationui.all_boxes")),
                boxes.map((b) =>
                  h("option", { value: b.name }, b.closed ? `${b.name} (${t("stationui.handed_in")})` : b.name),
                ),
              ),
            )
          : null,
        h(
          "label",
          { class: "inline" },
          h("input", { id: "station-hand-in", type: "checkbox" }),
          t("stationui.hand_in"),
        ),
        about.key_id ? passphraseField() : null,
        h("button", { id: "station-export-run", type: "submit" }, t("stationui.package_run")),
      ),
    ),
  );
}

/** On the home screen of a coordinator: make this laptop a counting station. */
export function becomeStationCard(ctx: Ctx, opened: (selectionId: number) => void): HTMLElement {
  const chosen = async (path: string) => {
    const r = await ctx.api.importSetupFile(path, null);
    ctx.info(
      t("stationout.setup_imported", {
        id: r.selection_id,
        key: keyGroups(r.coordinator_key),
        mine: keyGroups(r.station_key),
      }),
    );
    opened(r.selection_id);
  };
  return h(
    "div",
    { class: "card", id: "become-station" },
    h("h2", {}, t("stationui.become_title")),
    h("p", { class: "muted" }, t("stationui.become_help")),
    picker(ctx, "import-setup", t("stationui.become_pick"), "package", null, chosen),
  );
}
