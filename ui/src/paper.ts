// Offline stemmen screens: ballot style and printing, fast entry, the count.
import type { BallotStyle, EntryReceipt, Plan, Selection } from "./bindings";
import { h, field } from "./dom";
import { lang, t } from "./i18n";
import { parseMarks } from "./marks";
import { formatEuro } from "./money";
import type { Api } from "./platform";

export interface Ctx {
  api: Api;
  /** Run an action, show its problems, redraw. */
  act: (fn: () => Promise<unknown>) => Promise<boolean>;
  info: (text: string) => void;
}

export async function setupTab(ctx: Ctx, s: Selection): Promise<HTMLElement> {
  const settings = await ctx.api.paperSettings(s.id);
  const style: BallotStyle = settings?.style ?? { kind: "approval", min: 1, max: 3 };
  const num = (id: string) => Number(field(id));
  const saveStyle = (e: Event) => {
    e.preventDefault();
    const kind = field("style-kind");
    const next: BallotStyle =
      kind === "points"
        ? { kind: "points", total: num("style-a"), max_per_plan: num("style-b") }
        : kind === "ranking"
          ? { kind: "ranking", top: num("style-a") }
          : { kind: "approval", min: num("style-a"), max: num("style-b") };
    const double = (document.getElementById("double-entry") as HTMLInputElement).checked;
    ctx.act(async () => {
      await ctx.api.setPaperSettings(s.id, { style: next, double_entry: double });
      ctx.info(t("paperui.style_saved"));
    });
  };
  const [a, b] =
    style.kind === "points" ? [style.total, style.max_per_plan] : style.kind === "ranking" ? [style.top, 0] : [style.min, style.max];
  const print = (e: Event) => {
    e.preventDefault();
    ctx.act(async () => {
      const path = await ctx.api.printBallots(s.id, num("print-count"), num("print-per-page"), lang());
      ctx.info(t("paperui.printed", { count: field("print-count"), path }));
    });
  };
  return h(
    "div",
    {},
    h(
      "form",
      { class: "card", id: "style-form", onsubmit: saveStyle },
      h("h2", {}, t("paperui.style")),
      h(
        "div",
        { class: "row" },
        h(
          "label",
          {},
          t("paperui.style"),
          h(
            "select",
            { id: "style-kind" },
            (["approval", "points", "ranking"] as const).map((k) => h("option", { value: k, selected: style.kind === k }, t(`paperui.style_${k}`))),
          ),
        ),
        h("label", {}, `${t("paperui.min")} / ${t("paperui.total")} / ${t("paperui.top")}`, h("input", { id: "style-a", size: 4, value: a })),
        h("label", {}, `${t("paperui.max")} / ${t("paperui.max_per_plan")}`, h("input", { id: "style-b", size: 4, value: b })),
      ),
      h("p", {}, h("label", { class: "inline" }, h("input", { type: "checkbox", id: "double-entry", checked: settings?.double_entry ?? false }), " ", t("paperui.double_entry"))),
      h("button", { id: "save-style", type: "submit" }, t("paperui.save_style")),
    ),
    h(
      "form",
      { class: "card row", id: "print-form", onsubmit: print },
      h("label", {}, t("paperui.count"), h("input", { id: "print-count", size: 6, value: 100 })),
      h("label", {}, t("paperui.per_page"), h("select", { id: "print-per-page" }, h("option", { value: 1 }, "1"), h("option", { value: 2, selected: true }, "2"))),
      h("button", { id: "print-ballots", type: "submit", disabled: !settings }, t("paperui.print")),
    ),
  );
}

function describe(r: EntryReceipt): string {
  const codes = r.findings.map((f) => f.code).join(", ");
  let text =
    r.verdict === "valid"
      ? t("paperui.saved_valid", { serial: r.serial })
      : r.verdict === "blank"
        ? t("paperui.saved_blank", { serial: r.serial })
        : t("paperui.saved_invalid", { serial: r.serial, codes });
  if (r.verdict === "valid" && codes) text += " " + t("paperui.warnings", { codes });
  if (r.double_entry) text += " " + t(`paperui.double_${r.double_entry}`);
  return text;
}

export async function entryTab(ctx: Ctx, s: Selection, plans: Plan[]): Promise<HTMLElement> {
  const settings = await ctx.api.paperSettings(s.id);
  if (!settings) return h("p", { class: "msg error" }, t("paperui.no_style_yet"));
  const codes = plans.map((p) => p.code);
  const boxes = plans.map((p, i) =>
    h(
      "tr",
      { "data-plan-code": p.code },
      h("td", { class: "num" }, i + 1),
      h("td", {}, h("input", { type: "checkbox", class: "mark", "data-code": p.code, tabindex: -1 })),
      h("td", { class: "code" }, p.code),
      h("td", {}, p.title),
      h("td", { class: "mark-value num" }, ""),
    ),
  );
  const reflect = () => {
    const parsed = parseMarks(field("marks-input"), codes);
    const marks = "marks" in parsed ? parsed.marks : [];
    for (const row of boxes) {
      const code = row.getAttribute("data-plan-code")!;
      const m = marks.find((x) => x[0] === code);
      (row.querySelector("input") as HTMLInputElement).checked = !!m && m[1] > 0;
      row.querySelector(".mark-value")!.textContent = m && settings.style.kind !== "approval" ? String(m[1]) : "";
    }
  };
  // Clicking a box edits the typed marks, so keyboard and mouse stay in step.
  for (const row of boxes) {
    row.querySelector("input")!.addEventListener("change", (e) => {
      const code = row.getAttribute("data-plan-code")!;
      const input = document.getElementById("marks-input") as HTMLInputElement;
      const parsed = parseMarks(input.value, codes);
      const marks = "marks" in parsed ? parsed.marks.filter((m) => m[0] !== code) : [];
      if ((e.target as HTMLInputElement).checked) marks.push([code, 1]);
      input.value = marks.map(([c, v]) => (v === 1 ? c : `${c}=${v}`)).join(" ");
      reflect();
    });
  }
  const save = (e: Event) => {
    e.preventDefault();
    const parsed = parseMarks(field("marks-input"), codes);
    ctx.act(async () => {
      if ("unknown" in parsed) throw { problems: [{ code: "ballot.unknown_plan", params: { code: parsed.unknown } }] };
      const doubtful = (document.getElementById("doubtful") as HTMLInputElement).checked ? field("doubtful-reason") || "?" : null;
      const r = await ctx.api.enterBallot(s.id, field("scan"), parsed, doubtful);
      ctx.info(describe(r));
    });
  };
  const scan = h("input", { id: "scan", autocomplete: "off", autofocus: true, size: 40 }) as HTMLInputElement;
  // A USB scanner types the payload and Enter: move on to the marks.
  scan.addEventListener("keydown", (e) => {
    if ((e as KeyboardEvent).key === "Enter") {
      e.preventDefault();
      (document.getElementById("marks-input") as HTMLInputElement).focus();
    }
  });
  const marksInput = h("input", { id: "marks-input", autocomplete: "off", size: 40 }) as HTMLInputElement;
  marksInput.addEventListener("input", reflect);
  return h(
    "form",
    { class: "card", id: "entry-form", onsubmit: save },
    h("p", { class: "muted" }, t("paperui.entry_help")),
    h("div", { class: "row" }, h("label", {}, t("paperui.scan"), scan), h("label", {}, t("paperui.marks"), marksInput)),
    h("table", { id: "entry-plans" }, h("tbody", {}, boxes)),
    h(
      "p",
      { class: "row" },
      h("label", { class: "inline" }, h("input", { type: "checkbox", id: "doubtful", tabindex: -1 }), " ", t("paperui.doubtful")),
      h("label", {}, t("paperui.reason"), h("input", { id: "doubtful-reason", tabindex: -1 })),
    ),
    h("button", { id: "save-entry", type: "submit" }, t("paperui.save_entry")),
  );
}

export async function tallyTab(ctx: Ctx, s: Selection, rule: string, setRule: (r: string) => void): Promise<HTMLElement> {
  const settings = await ctx.api.paperSettings(s.id);
  if (!settings) return h("p", { class: "msg error" }, t("paperui.no_style_yet"));
  const [view, queue] = await Promise.all([ctx.api.tally(s.id, rule, lang()), ctx.api.reconciliationQueue(s.id)]);
  const resolve = (serial: string, keep: number | null) => ctx.act(() => ctx.api.resolveDifference(s.id, serial, keep));
  return h(
    "div",
    {},
    h(
      "div",
      { class: "card" },
      h("h2", {}, t("paperui.queue")),
      queue.length === 0
        ? h("p", { class: "muted", id: "queue-empty" }, t("paperui.queue_empty"))
        : h(
            "table",
            { id: "queue" },
            h(
              "tbody",
              {},
              queue.map((serial) =>
                h(
                  "tr",
                  { "data-serial": serial },
                  h("td", {}, serial),
                  h("td", {}, h("button", { class: "secondary keep1", onclick: () => resolve(serial, 1) }, t("paperui.keep1")), " ",
                    h("button", { class: "secondary keep2", onclick: () => resolve(serial, 2) }, t("paperui.keep2")), " ",
                    h("button", { class: "danger discard", onclick: () => resolve(serial, null) }, t("paperui.discard"))),
                ),
              ),
            ),
          ),
    ),
    h(
      "div",
      { class: "card" },
      h("p", { id: "tally-counts" }, t("paperui.counts", { printed: view.printed, valid: view.valid, blank: view.blank, invalid: view.invalid, doubtful: view.doubtful, queue: view.reconciliation_queue })),
      h(
        "label",
        {},
        t("paperui.rule"),
        h(
          "select",
          { id: "tally-rule", onchange: (e: Event) => setRule((e.target as HTMLSelectElement).value) },
          h("option", { value: "greedy", selected: rule === "greedy" }, t("paperui.rule_greedy")),
          h("option", { value: "mes", selected: rule === "mes" }, t("paperui.rule_mes")),
        ),
      ),
      h(
        "table",
        { id: "tally" },
        h("thead", {}, h("tr", {}, h("th", {}, t("field.code")), h("th", {}, t("field.title")), h("th", { class: "num" }, t("paperui.votes")), h("th", { class: "num" }, t("paperui.points")), h("th", { class: "num" }, t("field.cost")), h("th", {}, t("paperui.funded")))),
        h(
          "tbody",
          {},
          view.plans.map((p) =>
            h(
              "tr",
              { "data-plan-code": p.code, class: p.funded ? "funded" : "" },
              h("td", {}, p.code),
              h("td", {}, p.title),
              h("td", { class: "num votes" }, p.votes),
              h("td", { class: "num" }, p.points),
              h("td", { class: "num" }, formatEuro(p.cost_cents, lang())),
              h("td", { class: "funded-flag" }, p.funded ? t("paperui.yes") : t("paperui.no")),
            ),
          ),
        ),
      ),
      h("p", { id: "funded-total" }, t("paperui.funded_total", { total: formatEuro(view.funded_cost_cents, lang()), budget: formatEuro(view.budget_cents, lang()) })),
      h("h2", {}, t("paperui.explanation")),
      h("ol", { id: "explanation" }, [...view.ties, ...view.explanation].map((line) => h("li", {}, line))),
    ),
  );
}
