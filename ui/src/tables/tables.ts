// Gesprekstafels screens: set-up of rounds and tables, entering a table's
// verdict (from the laptop or a scanned sheet), and the combined overview.
import type { Plan, Selection, TableSettings, TableView, VerdictFormat, VerdictInput } from "../common/bindings";
import { h, field } from "../common/dom";
import { lang, t } from "../common/i18n";
import { formatEuro } from "../common/money";
import { parseMarks } from "../paper/marks";
import { bundleCard } from "../common/bundle";
import type { Ctx } from "../common/ctx";

/** What the gesprekstafels screens remember between draws (one per App). */
export type TablesCtx = Ctx & { tables: TablesScreens };

export class TablesScreens {
  /** The table chosen for entry. */
  chosenTable: number | null = null;
  /** What was typed for a table whose save was refused: shown again, not lost. */
  typed: { tableId: number; fields: Record<string, string> } | null = null;
}

function formatOf(kind: string, per: number): VerdictFormat {
  return kind === "ranking"
    ? { kind: "ranking" }
    : kind === "support"
      ? { kind: "support" }
      : { kind: "points", per_participant: per };
}

export async function tablesSetupTab(ctx: TablesCtx, s: Selection, plans: Plan[]): Promise<HTMLElement> {
  const [settings, tables] = await Promise.all([ctx.api.tableSettings(s.id), ctx.api.listTables(s.id)]);
  const f = settings?.format;
  const save = (e: Event) => {
    e.preventDefault();
    const next: TableSettings = {
      format: formatOf(field("tformat-kind"), Number(field("tformat-per"))),
      min_participants: Number(field("tformat-min")),
      max_participants: Number(field("tformat-max")),
    };
    ctx.act(async () => {
      await ctx.api.setTableSettings(s.id, next);
      ctx.info(t("tablesui.settings_saved"));
    });
  };
  const add = (e: Event) => {
    e.preventDefault();
    const chosen = [...document.querySelectorAll<HTMLInputElement>("#table-form input.tplan:checked")].map(
      (x) => x.value,
    );
    ctx.act(async () => {
      const tv = await ctx.api.addTable(s.id, {
        round: Number(field("table-round")),
        name: field("table-name"),
        facilitator: field("table-facilitator"),
        location: field("table-location"),
        plans: chosen,
      });
      ctx.info(t("tablesui.table_added", { table: tv.name, round: tv.round }));
    });
  };
  const print = () =>
    ctx.act(async () => {
      const path = await ctx.api.printTableSheets(s.id, null, lang());
      ctx.info(t("tablesui.sheets_printed", { path }), [path]);
    });
  return h(
    "div",
    {},
    h(
      "form",
      { class: "card", id: "tformat-form", onsubmit: save },
      h("h2", {}, t("tablesui.format")),
      h("p", { class: "muted" }, t("tablesui.rule")),
      h(
        "div",
        { class: "row" },
        h(
          "label",
          {},
          t("tablesui.format"),
          h(
            "select",
            { id: "tformat-kind" },
            (["points", "ranking", "support"] as const).map((k) =>
              h("option", { value: k, selected: f?.kind === k }, t(`tablesui.format_${k}`)),
            ),
          ),
        ),
        h(
          "label",
          {},
          t("tablesui.per"),
          h("input", { id: "tformat-per", size: 4, value: f?.kind === "points" ? f.per_participant : 10 }),
        ),
        h(
          "label",
          {},
          t("tablesui.min"),
          h("input", { id: "tformat-min", size: 4, value: settings?.min_participants ?? 2 }),
        ),
        h(
          "label",
          {},
          t("tablesui.max"),
          h("input", { id: "tformat-max", size: 4, value: settings?.max_participants ?? 8 }),
        ),
        h("button", { id: "tformat-save", type: "submit" }, t("action.save")),
      ),
    ),
    h(
      "form",
      { class: "card", id: "table-form", onsubmit: add },
      h("h2", {}, t("tablesui.add_table")),
      h(
        "div",
        { class: "row" },
        h("label", {}, t("tablesui.round"), h("input", { id: "table-round", size: 3, value: 1 })),
        h("label", {}, t("tablesui.table"), h("input", { id: "table-name", size: 8 })),
        h("label", {}, t("tablesui.facilitator"), h("input", { id: "table-facilitator", size: 16 })),
        h("label", {}, t("tablesui.location"), h("input", { id: "table-location", size: 16 })),
      ),
      h("p", { class: "muted" }, t("tablesui.subset_help")),
      h(
        "div",
        { class: "row" },
        plans.map((p) =>
          h(
            "label",
            { class: "inline" },
            h("input", { type: "checkbox", class: "tplan", value: p.code }),
            ` ${p.code}`,
          ),
        ),
      ),
      h("button", { id: "add-table", type: "submit", disabled: !settings }, t("tablesui.add_table")),
    ),
    h(
      "div",
      { class: "card" },
      h("h2", {}, t("tablesui.tables")),
      tables.length
        ? h(
            "table",
            { id: "tables-list" },
            h(
              "tbody",
              {},
              tables.map((tv) =>
                h(
                  "tr",
                  { "data-table-id": tv.id },
                  h("td", {}, `${t("tablesui.round")} ${tv.round}`),
                  h("td", {}, tv.name),
                  h("td", {}, tv.facilitator),
                  h("td", {}, tv.plans.join(", ")),
                  h("td", {}, tv.verdict ? t("tablesui.entered") : t("tablesui.missing")),
                ),
              ),
            ),
          )
        : h("p", { class: "muted" }, t("tablesui.no_tables")),
      h(
        "button",
        { id: "print-sheets", class: "secondary", onclick: print, disabled: !tables.length },
        t("tablesui.print_sheets"),
      ),
    ),
  );
}

export async function tablesEntryTab(ctx: TablesCtx, s: Selection, plans: Plan[]): Promise<HTMLElement> {
  const [settings, tables] = await Promise.all([ctx.api.tableSettings(s.id), ctx.api.listTables(s.id)]);
  if (!settings) return h("p", { class: "msg error" }, t("problem.tables.no_settings"));
  const open = tables.filter((x) => !x.verdict);
  const current: TableView | undefined = tables.find((x) => x.id === ctx.tables.chosenTable);
  const scan = h("input", { id: "sheet-scan", autocomplete: "off", autofocus: !current, size: 32 }) as HTMLInputElement;
  scan.addEventListener("keydown", (e) => {
    if ((e as KeyboardEvent).key !== "Enter") return;
    e.preventDefault();
    const text = scan.value;
    ctx.act(async () => {
      ctx.tables.chosenTable = await ctx.api.tableScan(s.id, text);
    });
  });
  const chooser = h(
    "div",
    { class: "card row" },
    h("label", {}, t("tablesui.scan_sheet"), scan),
    h(
      "label",
      {},
      t("tablesui.or_choose"),
      h(
        "select",
        {
          id: "table-choose",
          onchange: (e: Event) => {
            ctx.tables.chosenTable = Number((e.target as HTMLSelectElement).value) || null;
            ctx.act(async () => undefined);
          },
        },
        h("option", { value: "" }, "—"),
        open.map((x) =>
          h(
            "option",
            { value: x.id, selected: x.id === ctx.tables.chosenTable },
            `${t("tablesui.round")} ${x.round} — ${x.name}`,
          ),
        ),
      ),
    ),
  );
  if (!current) return h("div", {}, chooser);
  if (current.verdict)
    return h(
      "div",
      {},
      chooser,
      h(
        "p",
        { class: "msg info", id: "table-done" },
        t("tablesui.already", { table: current.name, who: current.entered_by ?? "" }),
      ),
    );
  const kind = settings.format.kind;
  const submit = (e: Event) => {
    e.preventDefault();
    const verdict: VerdictInput = {
      participants: Number(field("v-participants")),
      values: current.plans
        .filter((c) => field(`v-${c}`).trim() !== "")
        .map((c) => [c, Number(field(`v-${c}`))] as [string, number]),
      conditions: current.plans
        .filter((c) => field(`c-${c}`).trim() !== "")
        .map((c) => [c, field(`c-${c}`)] as [string, string]),
      notes: field("v-notes"),
      rows: [],
    };
    // Optional: one line per participant with their own points (e.g. "ST01=6 ST03=4").
    for (const line of field("v-rows")
      .split("\n")
      .filter((l) => l.trim() !== "")) {
      const parsed = parseMarks(line, current.plans);
      if ("unknown" in parsed) {
        ctx.act(async () => {
          throw {
            problems: [{ code: "tables.plan_not_discussed", params: { code: parsed.unknown, table: current.name } }],
          };
        });
        return;
      }
      verdict.rows.push(parsed.marks);
    }
    const fields: Record<string, string> = {};
    document
      .querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("#verdict-form input, #verdict-form textarea")
      .forEach((el) => {
        fields[el.id] = el.value;
      });
    ctx.tables.typed = { tableId: current.id, fields };
    ctx.act(
      async () => {
        const tv = await ctx.api.enterVerdict(s.id, current.id, verdict);
        ctx.info(t("tablesui.saved", { table: tv.name, round: tv.round }));
        ctx.tables.chosenTable = null;
        ctx.tables.typed = null;
      },
      { keepsSelection: true },
    );
  };
  const form = h(
    "form",
    { class: "card", id: "verdict-form", "data-table-id": current.id, onsubmit: submit },
    h("h2", {}, `${t("tablesui.round")} ${current.round} — ${t("tablesui.table")} ${current.name}`),
    h(
      "p",
      { class: "muted" },
      t(`tablesui.help_${kind}`, { per: settings.format.kind === "points" ? settings.format.per_participant : 0 }),
    ),
    h("label", {}, t("tablesui.participants"), h("input", { id: "v-participants", size: 4, autofocus: true })),
    h(
      "table",
      {},
      h(
        "tbody",
        {},
        current.plans.map((c) =>
          h(
            "tr",
            {},
            h("td", { class: "code" }, c),
            h("td", {}, plans.find((p) => p.code === c)?.title ?? ""),
            h("td", {}, h("input", { id: `v-${c}`, class: "v-value", size: 4, inputmode: "numeric", "aria-label": c })),
            kind === "support"
              ? h(
                  "td",
                  {},
                  h("input", {
                    id: `c-${c}`,
                    placeholder: t("tablesui.conditions"),
                    "aria-label": `${t("tablesui.conditions")}: ${c}`,
                    size: 30,
                  }),
                )
              : null,
          ),
        ),
      ),
    ),
    kind === "points"
      ? h(
          "label",
          {},
          t("tablesui.rows"),
          h("textarea", { id: "v-rows", rows: 3, cols: 60, placeholder: "ST01=6 ST03=4" }),
        )
      : null,
    h("label", {}, t("tablesui.notes"), h("textarea", { id: "v-notes", rows: 2, cols: 60 })),
    h("p", {}, h("button", { id: "save-verdict", type: "submit" }, t("action.save"))),
  );
  if (ctx.tables.typed && ctx.tables.typed.tableId === current.id) {
    for (const [id, v] of Object.entries(ctx.tables.typed.fields)) {
      const el = form.querySelector<HTMLInputElement>(`[id="${id}"]`);
      if (el) el.value = v;
    }
  }
  return h("div", {}, chooser, form);
}

/** The drop-out form keeps its values across redraws: preview, then confirm. */
const dropForm = { round: "", threshold: "" };

export async function tablesOverviewTab(ctx: TablesCtx, s: Selection): Promise<HTMLElement> {
  const settings = await ctx.api.tableSettings(s.id);
  if (!settings) return h("p", { class: "msg error" }, t("problem.tables.no_settings"));
  const o = await ctx.api.tablesOverview(s.id, lang());
  const close = () =>
    ctx.act(async () => {
      if (!confirm(t("tablesui.confirm_close"))) return;
      await ctx.api.closeTables(s.id);
      ctx.info(t("tablesui.closed"));
    });
  const preview = () =>
    ctx.act(async () =>
      ctx.info(
        t("tablesui.would_drop", {
          codes:
            (await ctx.api.dropPreview(s.id, Number(field("drop-round")), field("drop-threshold"))).join(", ") || "—",
        }),
      ),
    );
  const confirmDrop = () =>
    ctx.act(async () => {
      const codes = await ctx.api.dropPreview(s.id, Number(field("drop-round")), field("drop-threshold"));
      if (!confirm(t("tablesui.confirm_drop", { codes: codes.join(", ") || "—" }))) return;
      ctx.info(
        t("tablesui.dropped", {
          codes:
            (await ctx.api.confirmDrop(s.id, Number(field("drop-round")), field("drop-threshold"))).join(", ") || "—",
        }),
      );
    });
  return h(
    "div",
    {},
    s.status === "closed"
      ? h("div", { class: "row toolbar" }, h("span", { class: "badge", id: "tables-state" }, t("status.closed")))
      : null,
    s.status === "closed" ? bundleCard(ctx, s) : null,
    h(
      "div",
      { class: "card", id: "rounds" },
      h("h2", {}, t("tablesui.rounds")),
      o.rounds.map((r) =>
        h(
          "p",
          { "data-round": r.round },
          `${t("tablesui.round")} ${r.round}: ${r.tables.length} ${t("tablesui.tables_lc")}; `,
          r.missing.length
            ? h("strong", { class: "missing" }, t("tablesui.missing_list", { tables: r.missing.join(", ") }))
            : t("tablesui.all_in"),
          r.dropped.length ? ` ${t("tablesui.dropped_after", { codes: r.dropped.join(", ") })}` : "",
        ),
      ),
      h("p", { class: "muted" }, t("tablesui.participants_total", { n: o.participants })),
    ),
    h(
      "div",
      { class: "card" },
      h("h2", {}, t("tablesui.ranking")),
      h("p", { class: "muted" }, t("tablesui.rule")),
      h(
        "table",
        { id: "ranking" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, t("field.code")),
            h("th", {}, t("field.title")),
            h("th", { class: "num" }, t("tablesui.score")),
            h("th", { class: "num" }, t("field.cost")),
            h("th", {}, t("tablesui.status")),
            h("th", {}, t("paperui.funded")),
          ),
        ),
        h("tbody", {}, rankingRows()),
      ),
      h(
        "p",
        { id: "tables-funded" },
        t("paperui.funded_total", {
          total: formatEuro(o.funded_cost_cents, lang()),
          budget: formatEuro(o.budget_cents, lang()),
        }),
      ),
      o.mes_funded ? h("p", { id: "tables-mes" }, t("tablesui.mes", { plans: o.mes_funded.join(", ") || "—" })) : null,
      h("h2", {}, t("paperui.explanation")),
      h(
        "ol",
        {},
        [...o.ties, ...o.explanation].map((l) => h("li", {}, l)),
      ),
    ),
    h(
      "div",
      { class: "card row", id: "drop-card" },
      h(
        "label",
        {},
        t("tablesui.drop_after"),
        h("input", {
          id: "drop-round",
          size: 3,
          value: dropForm.round || Math.max(1, o.rounds.length),
          oninput: (e: Event) => (dropForm.round = (e.target as HTMLInputElement).value),
        }),
      ),
      h(
        "label",
        {},
        t("tablesui.threshold"),
        h("input", {
          id: "drop-threshold",
          size: 6,
          value: dropForm.threshold,
          oninput: (e: Event) => (dropForm.threshold = (e.target as HTMLInputElement).value),
        }),
      ),
      h("button", { id: "drop-preview", class: "secondary", onclick: preview }, t("tablesui.preview")),
      h("button", { id: "drop-confirm", onclick: confirmDrop }, t("tablesui.confirm")),
    ),
    // Closing cannot be undone: last on the page, with what it means.
    s.status === "closed"
      ? null
      : h(
          "div",
          { class: "card closing", id: "close-card" },
          h("h2", {}, t("tablesui.close")),
          h("p", { class: "muted" }, t("tablesui.close_help")),
          h("button", { id: "close-tables", class: "danger", onclick: close }, t("tablesui.close")),
        ),
  );
  function rankingRows(): HTMLElement[] {
    // The funded plans above the budget line, in rank order; the others
    // below it, each saying why (dropped out, or no longer fits).
    const lastFunded = o.ranking.reduce((acc, r, i) => (r.funded ? i : acc), -1);
    const row = (r: (typeof o.ranking)[number], i: number) =>
      h(
        "tr",
        { "data-plan-code": r.code, class: [r.funded ? "funded" : "out", r.dropped ? "dropped" : ""].join(" ").trim() },
        h("td", {}, r.code),
        h("td", {}, r.title),
        h("td", { class: "num score" }, r.score_text),
        h("td", { class: "num" }, formatEuro(r.cost_cents, lang())),
        h(
          "td",
          { class: "fits" },
          r.dropped ? t("tablesui.dropped_short") : r.funded ? "✓" : i < lastFunded ? t("panelui.does_not_fit") : "—",
        ),
        h("td", { class: "funded-flag" }, r.funded ? t("paperui.yes") : ""),
      );
    const ranked = o.ranking.map((r, i) => ({ r, i }));
    const rest = ranked.filter((x) => !x.r.funded);
    return [
      ...ranked.filter((x) => x.r.funded).map((x) => row(x.r, x.i)),
      h(
        "tr",
        { class: "budget-line-row", id: "tables-budget-line" },
        h(
          "td",
          { colspan: 6 },
          t("panelui.budget_spent", {
            spent: formatEuro(o.funded_cost_cents, lang()),
            budget: formatEuro(o.budget_cents, lang()),
          }),
        ),
      ),
      ...(rest.length ? [h("tr", { class: "group-head" }, h("td", { colspan: 6 }, t("panelui.not_funded")))] : []),
      ...rest.map((x) => row(x.r, x.i)),
    ];
  }
}
