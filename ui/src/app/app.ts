import type { BackupStatus, Failure, Plan, Selection, SignedIn, StartupInfo } from "../common/bindings";
import { busy, h } from "../common/dom";
import { aboutCard } from "./about";
import { restoreFields, snapshotFields } from "./fields";
import { teamCard } from "./team";
import { type AppHooks, backupCard, backupList, picker, ToolScreens, verifyCard } from "./tools";
import { PlanScreens, planForm, planRow } from "./plans";
import { firstRunCard, readSelectionForm, selectionForm } from "./selection-form";
import { signInForm } from "./sign-in";
import { lang, problemText, setLang, t, type Lang } from "../common/i18n";
import { formatEuro } from "../common/money";
import { asFailure, type Api } from "../common/platform";
import type { Ctx } from "../common/ctx";
import { DrawScreens, panelDrawTab } from "../panel/draw";
import { PanelScreens, panelEntryTab, panelResultTab, panelSetupTab } from "../panel/panel";
import { entryTab, PaperScreens, setupTab, tallyTab } from "../paper/paper";
import { becomeStationCard, stationsTab } from "../paper/stations";
import { TablesScreens, tablesEntryTab, tablesOverviewTab, tablesSetupTab } from "../tables/tables";

const TABS = [
  "plans",
  "setup",
  "entry",
  "tally",
  "stations",
  "tsetup",
  "tentry",
  "toverview",
  "pdraw",
  "psetup",
  "pentry",
  "presult",
] as const;
type Tab = (typeof TABS)[number];
type View = { kind: "home" } | { kind: "selection"; id: number };
type Message = { kind: "error" | "info" | "warn"; text: string; paths?: string[] };

export class App {
  private view: View = { kind: "home" };
  private operator: SignedIn | null = null;
  private startup: StartupInfo | null = null;
  private messages: Message[] = [];
  private tab: Tab = "plans";
  private rule = "greedy";
  private resumeAt: import("../common/bindings").Location | null = null;
  private backupWarning: import("../common/bindings").Problem | null = null;
  private backupListening = false;
  private lastLocation = "";
  /** The selection on screen and its plans, as last read: kept across the
   * redraws after a ballot, verdict or vote, read again after anything else. */
  private shown: { id: number; s: Selection; plans: Plan[] } | null = null;

  /** What the method screens remember between draws: one per App, no module state. */
  private readonly screens = {
    paper: new PaperScreens(),
    tables: new TablesScreens(),
    panel: new PanelScreens(),
    draw: new DrawScreens(),
    tools: new ToolScreens(),
    plans: new PlanScreens(() => {
      this.messages = [];
      void this.render();
    }),
  };

  private hooks(): AppHooks {
    return {
      setBackupWarning: (w) => {
        this.backupWarning = w;
      },
      restartAfterRescue: async () => {
        this.startup = await this.api.startupInfo();
      },
    };
  }

  private ctx(): Ctx & typeof this.screens {
    return {
      api: this.api,
      act: (fn, opts) => this.act(fn, opts),
      info: (text, paths) => this.info(text, paths),
      lastProblems: () => this.lastCodes,
      coordinator: this.operator?.role === "coordinator",
      ...this.screens,
    };
  }

  constructor(
    private api: Api,
    private root: HTMLElement,
  ) {}

  async start(): Promise<void> {
    for (const ev of ["pointerdown", "keydown"])
      document.addEventListener(
        ev,
        (e) => {
          this.lastTarget = e.target instanceof Element ? e.target : null;
        },
        true,
      );
    this.startup = await this.api.startupInfo();
    // A reloaded window keeps whoever is signed in to the session.
    this.operator = await this.api.signedIn().catch(() => null);
    // The language is each person's own: the sign-in screen is in Dutch.
    this.useLanguageOf(this.operator?.name ?? null);
    if (this.startup.demo_loaded) this.info(t("home.demo_loaded"));
    const rec = this.startup.recovered;
    if (rec) {
      // After a crash: say so, say what is unfinished, and go back to where the operator was.
      this.messages.push({ kind: "warn", text: t("app.recovered") });
      for (const p of rec.unfinished) this.messages.push({ kind: "warn", text: problemText(p) });
      this.resumeAt = rec.location;
    }
    if (!this.startup.failure && !this.backupListening) {
      // Backups are made by the app's own timer when due; the window hears the outcome.
      this.backupListening = true;
      await this.api.onBackup((st) => void this.showBackup(st));
      await this.checkBackup();
    }
    await this.render();
  }

  /** The element the operator last clicked or typed in, and the id near it
   * when an action started: its messages are shown there, not at the top. */
  private lastTarget: Element | null = null;
  /** What was typed when an action was refused, put back after the redraw. */
  private typed: Map<string, string | boolean> | null = null;
  private anchor: string | null = null;
  private anchorContainer: string | null = null;

  /** Put the messages next to what caused them and bring them into view. */
  private placeMessages() {
    const box = document.getElementById("messages");
    if (!box || this.messages.length === 0) return;
    const at =
      (this.anchor ? document.getElementById(this.anchor) : null) ??
      (this.anchorContainer ? document.getElementById(this.anchorContainer) : null);
    const main = this.root.querySelector("main");
    let container = at?.closest(".card, form, table, .toolbar, .row") ?? null;
    if (container?.parentElement?.classList.contains("grid-scroll")) container = container.parentElement;
    if (container && main?.contains(container) && !container.contains(box)) {
      // Below a small form; in a tall one right after the row that was used;
      // above a long table (the vote grid), where the eye is.
      const tall = container.getBoundingClientRect().height > window.innerHeight * 0.5;
      const row = at?.closest("p, .row");
      if (!tall) container.after(box);
      else if (at?.closest("table") || !row || !container.contains(row)) container.before(box);
      else row.after(box);
    }
    box.scrollIntoView?.({ block: "nearest" });
  }

  /** Switch to the language `name` chose last (Dutch for the sign-in screen). */
  private useLanguageOf(name: string | null) {
    const saved = name ? localStorage.getItem(`wijkstem.lang.${name}`) : null;
    const l: Lang = saved === "en" || saved === "nl" ? saved : name ? lang() : "nl";
    setLang(l);
    // The progress and projector windows follow the main window.
    localStorage.setItem("wijkstem.lang", l);
    if (name) localStorage.setItem(`wijkstem.lang.${name}`, l);
  }

  private info(text: string, paths?: string[]) {
    this.messages.push({ kind: "info", text, paths });
  }

  private lastCodes: string[] = [];

  private fail(e: unknown) {
    const f: Failure = asFailure(e);
    this.lastCodes = f.problems.map((p) => p.code);
    for (const p of f.problems) this.messages.push({ kind: "error", text: problemText(p) });
  }

  /** Run an action; show its problems instead of throwing, then redraw. */
  private async act(fn: () => Promise<unknown>, opts?: { keepsSelection?: boolean }): Promise<boolean> {
    if (!opts?.keepsSelection) this.shown = null;
    // The nearest id, and the nearest form, table or card with one (the
    // nearest may be gone after the redraw, a saved row's cell for one).
    this.anchor = (this.lastTarget?.closest?.("[id]") as HTMLElement | null)?.id ?? null;
    this.anchorContainer =
      (this.lastTarget?.closest?.("form[id], table[id], .card[id]") as HTMLElement | null)?.id ?? null;
    this.messages = [];
    this.lastCodes = [];
    let ok = true;
    busy(1);
    try {
      await fn();
    } catch (e) {
      ok = false;
      this.fail(e);
      // A refusal loses nothing typed: the fields come back as they were.
      this.typed = snapshotFields(this.root);
    }
    try {
      await this.render();
    } finally {
      busy(-1);
    }
    return ok;
  }

  async render(): Promise<void> {
    busy(1);
    try {
      document.documentElement.lang = lang();
      const body = await this.body();
      this.remember();
      const banner = this.backupWarning
        ? h("div", { class: "msg warn banner", id: "backup-warning", role: "alert" }, problemText(this.backupWarning))
        : null;
      this.root.replaceChildren(this.header(), h("main", {}, banner, this.messageBox(), body));
      if (this.typed) restoreFields(this.root, this.typed);
      this.typed = null;
      const focus = this.root.querySelector<HTMLElement>("[autofocus]");
      focus?.focus();
      // A field that holds a mistake comes back selected: typing replaces it.
      if (focus instanceof HTMLInputElement && focus.dataset.select) {
        if (focus.dataset.selFrom) focus.setSelectionRange(Number(focus.dataset.selFrom), Number(focus.dataset.selTo));
        else focus.select();
      }
      this.placeMessages();
    } finally {
      busy(-1);
    }
  }

  private async checkBackup() {
    try {
      await this.showBackup(await this.api.backupStatus());
    } catch {
      /* not signed in yet, or no database: nothing to back up */
    }
  }

  private async showBackup(st: BackupStatus) {
    const changed = (st.warning?.code ?? null) !== (this.backupWarning?.code ?? null);
    this.backupWarning = st.warning;
    if (changed) await this.render();
  }

  /** Tell the core where the operator is, so a restart after a crash comes back here. */
  private remember() {
    if (!this.operator) return;
    const loc = {
      selection_id: this.view.kind === "selection" ? this.view.id : null,
      tab: this.view.kind === "selection" ? this.tab : "home",
    };
    const key = JSON.stringify(loc);
    if (key === this.lastLocation) return;
    this.lastLocation = key;
    this.api.setLocation(loc).catch(() => undefined);
  }

  private header(): HTMLElement {
    const other: Lang = lang() === "nl" ? "en" : "nl";
    return h(
      "header",
      { class: "top" },
      h("h1", {}, t("app.title")),
      this.operator
        ? h(
            "span",
            { class: "who", id: "signed-in-as", "data-role": this.operator.role },
            t("signin.signed_in_as", {
              name: t("signin.role", { name: this.operator.name, role: t(`role.${this.operator.role}`) }),
            }),
          )
        : null,
      this.operator
        ? h(
            "button",
            {
              id: "sign-out",
              onclick: () =>
                this.act(async () => {
                  await this.api.signOut();
                  this.operator = null;
                  this.view = { kind: "home" };
                  this.useLanguageOf(null);
                }),
            },
            t("signin.sign_out"),
          )
        : null,
      this.operator
        ? h(
            "button",
            {
              id: "about-open",
              class: "secondary",
              onclick: async () => {
                this.view = { kind: "home" };
                await this.render();
                document.getElementById("about-card")?.scrollIntoView();
              },
            },
            t("about.open"),
          )
        : null,
      h(
        "button",
        {
          id: "lang-switch",
          onclick: () => {
            setLang(other);
            localStorage.setItem("wijkstem.lang", other);
            if (this.operator) localStorage.setItem(`wijkstem.lang.${this.operator.name}`, other);
            this.render();
          },
        },
        t("lang.switch"),
      ),
    );
  }

  private messageBox(): HTMLElement {
    // A message about files Wijkstem wrote offers to open them and their folder.
    const open = (path: string, folder: boolean) =>
      this.api.openExport(path, folder).catch((e) => {
        this.fail(e);
        this.render();
      });
    const name = (path: string) => path.split(/[\\/]/).pop() ?? path;
    return h(
      "div",
      { class: "messages", id: "messages", role: "status", "aria-live": "polite" },
      this.messages.map((m) =>
        h(
          "div",
          { class: `msg ${m.kind}` },
          m.text,
          m.paths?.length
            ? h(
                "div",
                { class: "open-buttons" },
                m.paths.map((p) =>
                  h(
                    "button",
                    { class: "secondary open-file", type: "button", "data-path": p, onclick: () => open(p, false) },
                    `${t("action.open_file")}: ${name(p)}`,
                  ),
                ),
                h(
                  "button",
                  { class: "secondary open-folder", type: "button", onclick: () => open(m.paths?.[0] ?? "", true) },
                  t("action.open_folder"),
                ),
              )
            : null,
        ),
      ),
    );
  }

  private async body(): Promise<HTMLElement> {
    if (this.startup?.failure) {
      return h(
        "div",
        {},
        h(
          "div",
          { class: "card", id: "startup-failure" },
          this.startup.failure.problems.map((p) => h("p", { class: "msg error" }, problemText(p))),
        ),
        await backupList(this.ctx(), this.screens.tools, this.hooks(), true),
      );
    }
    if (!this.operator) return await this.signIn();
    try {
      return this.view.kind === "home" ? await this.home() : await this.selection(this.view.id);
    } catch (e) {
      this.fail(e);
      this.view = { kind: "home" };
      return h("div", {}, h("button", { onclick: () => this.render() }, t("action.back")));
    }
  }

  private async signIn(): Promise<HTMLElement> {
    const enter = (who: SignedIn) => {
      this.operator = who;
      this.useLanguageOf(who.name);
      const at = this.resumeAt;
      this.resumeAt = null;
      if (at?.selection_id != null) {
        this.view = { kind: "selection", id: at.selection_id };
        if ((TABS as readonly string[]).includes(at.tab)) this.tab = at.tab as Tab;
      }
    };
    return signInForm(await this.api.signInScreen(), {
      api: this.api,
      act: (fn) => this.act(fn),
      recovered: this.startup?.recovered?.operator ?? null,
      enter,
    });
  }

  private async home(): Promise<HTMLElement> {
    this.shown = null;
    const list = await this.api.listSelections();
    const coordinator = this.operator?.role === "coordinator";
    const onlyDemo = list.every((x) => x.edition.endsWith("(demo)"));
    const create = (e: Event) => {
      e.preventDefault();
      this.act(async () => {
        const s = await this.api.createSelection(readSelectionForm("new"));
        this.view = { kind: "selection", id: s.id };
      });
    };
    const rows = list.map((s) =>
      h(
        "tr",
        { "data-selection-id": s.id },
        h("td", {}, s.edition),
        h("td", { class: "wijk" }, s.wijk),
        h("td", { class: "num" }, formatEuro(s.budget_cents, lang())),
        h("td", {}, t(`method.${s.method}`)),
        h("td", {}, h("span", { class: "badge" }, t(`status.${s.status}`))),
        h("td", { class: "num" }, s.plan_count),
        h("td", { class: "num" }, formatEuro(s.total_cost_cents, lang())),
        h(
          "td",
          {},
          h(
            "button",
            {
              class: "secondary open-selection",
              onclick: () => {
                this.messages = [];
                this.tab = "plans";
                this.view = { kind: "selection", id: s.id };
                this.render();
              },
            },
            t("home.open"),
          ),
        ),
      ),
    );
    return h(
      "div",
      {},
      h("h2", {}, t("home.title")),
      list.length === 0
        ? h("p", { class: "muted" }, t("home.empty"))
        : h(
            "table",
            { id: "selections" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", {}, t("field.edition")),
                h("th", {}, t("field.wijk")),
                h("th", { class: "num" }, t("field.budget")),
                h("th", {}, t("field.method")),
                h("th", {}, t("field.status")),
                h("th", { class: "num" }, t("field.plans")),
                h("th", { class: "num" }, t("field.total_cost")),
                h("th", {}),
              ),
            ),
            h("tbody", {}, rows),
          ),
      // A laptop with only the demo: how to begin, in three steps.
      coordinator && onlyDemo ? firstRunCard() : null,
      coordinator
        ? // Your wijk first; setting up and the tools behind it (open on a new laptop, or as left).
          h(
            "details",
            {
              id: "tools",
              open: (localStorage.getItem("wijkstem.tools") ?? (onlyDemo ? "open" : "closed")) === "open",
            },
            // Remembered only when the coordinator opens or closes it.
            h(
              "summary",
              {
                id: "tools-toggle",
                onclick: (e: Event) =>
                  localStorage.setItem(
                    "wijkstem.tools",
                    ((e.currentTarget as HTMLElement).parentElement as HTMLDetailsElement).open ? "closed" : "open",
                  ),
              },
              h("span", { class: "tools-title" }, t("home.tools")),
              h("span", { class: "muted" }, ` — ${t("home.tools_list")}`),
            ),
            h(
              "div",
              { class: "card", id: "new-card" },
              h("h2", {}, t("home.new")),
              selectionForm("new", {}, create, t("action.create")),
            ),
            await teamCard(this.ctx()),
            becomeStationCard(this.ctx(), (id) => {
              this.tab = "entry";
              this.view = { kind: "selection", id };
            }),
            verifyCard(this.ctx(), this.screens.tools),
            await backupCard(this.ctx(), this.screens.tools, this.hooks()),
          )
        : h("p", { class: "msg info", id: "volunteer-note" }, t("team.volunteer_note")),
      await aboutCard(this.ctx()),
    );
  }

  private async selection(id: number): Promise<HTMLElement> {
    const kept = this.shown?.id === id ? this.shown : null;
    const [s, plans] = kept
      ? [kept.s, kept.plans]
      : await Promise.all([this.api.getSelection(id), this.api.listPlans(id)]);
    this.shown = { id, s, plans };
    const save = (e: Event) => {
      e.preventDefault();
      this.act(async () => {
        await this.api.updateSelection(id, readSelectionForm("edit"));
        this.info(t("selection.saved"));
      });
    };
    const over = s.total_cost_cents - s.budget_cents;
    // Volunteers see the entry; the coordinator also sets up, decides and closes.
    const all: Tab[] =
      s.method === "ballots"
        ? ["plans", "setup", "entry", "stations", "tally"]
        : s.method === "tables"
          ? ["plans", "tsetup", "tentry", "toverview"]
          : ["plans", "pdraw", "psetup", "pentry", "presult"];
    const tabs: Tab[] =
      this.operator?.role === "coordinator"
        ? all
        : all.filter((tb) => tb === "entry" || tb === "tentry" || tb === "pentry");
    const tabBar = h(
      "div",
      { class: "tabs", role: "tablist" },
      tabs.map((tb) =>
        h(
          "button",
          {
            id: `tab-${tb}`,
            class: tb === this.tab ? "tab active" : "tab",
            onclick: () => {
              this.messages = [];
              this.tab = tb;
              // Another tab reads the selection afresh.
              this.shown = null;
              this.render();
            },
          },
          t(`paperui.tab_${tb}`),
        ),
      ),
    );
    const head = [
      h(
        "p",
        {},
        h(
          "button",
          {
            class: "secondary",
            id: "back",
            onclick: () => {
              this.messages = [];
              this.screens.plans.editing = null;
              this.tab = "plans";
              this.view = { kind: "home" };
              this.render();
            },
          },
          `← ${t("action.back")}`,
        ),
      ),
      h("h2", { id: "selection-title" }, `${s.wijk} — ${s.edition}`),
      tabs.length > 1 ? tabBar : null,
    ];
    if (!tabs.includes(this.tab)) this.tab = tabs[0];
    const wrap = (el: HTMLElement) => h("div", { id: "selection-view", "data-selection-id": id }, head, el);
    if (this.tab === "tsetup") return wrap(await tablesSetupTab(this.ctx(), s, plans));
    if (this.tab === "pdraw") return wrap(await panelDrawTab(this.ctx(), s, this.screens.draw));
    if (this.tab === "psetup") return wrap(await panelSetupTab(this.ctx(), s, plans));
    if (this.tab === "pentry") return wrap(await panelEntryTab(this.ctx(), s));
    if (this.tab === "presult") return wrap(await panelResultTab(this.ctx(), s));
    if (this.tab === "tentry") return wrap(await tablesEntryTab(this.ctx(), s, plans));
    if (this.tab === "toverview") return wrap(await tablesOverviewTab(this.ctx(), s));
    if (this.tab === "stations") return wrap(await stationsTab(this.ctx(), s));
    if (this.tab === "setup")
      return h("div", { id: "selection-view", "data-selection-id": id }, head, await setupTab(this.ctx(), s));
    if (this.tab === "entry")
      return h("div", { id: "selection-view", "data-selection-id": id }, head, await entryTab(this.ctx(), s, plans));
    if (this.tab === "tally")
      return h(
        "div",
        { id: "selection-view", "data-selection-id": id },
        head,
        await tallyTab(this.ctx(), s, this.rule, (r) => {
          this.rule = r;
          this.render();
        }),
      );
    // The file's bytes as they are on disk: the core checks the encoding (a
    // Latin-1 export is refused with a message, not imported as "Caf�").
    const importCsv = async (path: string) => {
      const r = await this.api.importPlansCsvFile(id, path);
      this.info(t("selection.imported", { count: r.imported }));
    };
    return h(
      "div",
      { id: "selection-view", "data-selection-id": id },
      head,
      h(
        "p",
        { id: "budget-line" },
        t("selection.budget_line", {
          budget: formatEuro(s.budget_cents, lang()),
          count: s.plan_count,
          total: formatEuro(s.total_cost_cents, lang()),
        }),
      ),
      over > 0 ? h("p", { class: "over" }, t("selection.over_budget", { over: formatEuro(over, lang()) })) : null,
      plans.length === 0
        ? h("p", { class: "muted", id: "no-plans" }, t("selection.no_plans"))
        : h(
            "table",
            { id: "plans" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", {}, t("field.code")),
                h("th", {}, t("field.title")),
                h("th", {}, t("field.initiator")),
                h("th", { class: "num" }, t("field.cost")),
                h("th", {}),
              ),
            ),
            h(
              "tbody",
              {},
              plans.map((p) => planRow(this.ctx(), this.screens.plans, p)),
            ),
            h(
              "tfoot",
              {},
              h(
                "tr",
                { class: "total" },
                h("td", {}),
                h("td", {}, t("field.total_cost")),
                h("td", {}),
                h("td", { class: "num", id: "total-cost" }, formatEuro(s.total_cost_cents, lang())),
                h("td", {}),
              ),
            ),
          ),
      planForm(this.ctx(), this.screens.plans, id),
      h(
        "div",
        { class: "card" },
        h("h2", {}, t("action.import_csv")),
        h("p", { class: "muted" }, t("selection.import_help")),
        picker(this.ctx(), "csv-file", t("action.choose_file"), "csv", null, importCsv),
      ),
      h(
        "div",
        { class: "card" },
        h("h2", {}, t("selection.edit_title")),
        selectionForm("edit", s, save, t("action.save")),
      ),
    );
  }
}
