// The home screen's forms: the first-run card, and the selection form used to
// create a selection and to change one.
import type { Method, Selection } from "../common/bindings";
import { h, field } from "../common/dom";
import { lang, t } from "../common/i18n";
import { formatEuro, parseEuro } from "../common/money";

const METHODS: Method[] = ["ballots", "tables", "panel"];

export function firstRunCard(): HTMLElement {
  const go = (id: string) => () => {
    const tools = document.getElementById("tools") as HTMLDetailsElement | null;
    if (tools) tools.open = true;
    document.getElementById(id)?.scrollIntoView({ block: "start" });
  };
  return h(
    "div",
    { class: "card first-run", id: "first-run" },
    h("h2", {}, t("home.first_title")),
    h("p", {}, t("home.first_intro")),
    h(
      "ol",
      {},
      h(
        "li",
        {},
        t("home.first_team"),
        " ",
        h("button", { class: "link", type: "button", onclick: go("team-card") }, t("team.title")),
      ),
      h(
        "li",
        {},
        t("home.first_selection"),
        " ",
        h("button", { class: "link", type: "button", onclick: go("new-card") }, t("home.new")),
      ),
      h(
        "li",
        {},
        t("home.first_backup"),
        " ",
        h("button", { class: "link", type: "button", onclick: go("backup-card") }, t("backup.title")),
      ),
    ),
  );
}

export function selectionForm(
  prefix: string,
  s: Partial<Selection>,
  onSubmit: (e: Event) => void,
  button: string,
): HTMLElement {
  return h(
    "form",
    { class: "row", id: `${prefix}-form`, onsubmit: onSubmit },
    h("label", {}, t("field.edition"), h("input", { id: `${prefix}-edition`, value: s.edition ?? "Wijkbudget 2026" })),
    h("label", {}, t("field.wijk"), h("input", { id: `${prefix}-wijk`, value: s.wijk ?? "" })),
    h(
      "label",
      {},
      t("field.budget"),
      h("input", {
        id: `${prefix}-budget`,
        value: s.budget_cents !== undefined ? formatEuro(s.budget_cents, lang()).replace("€", "").trim() : "",
        inputmode: "decimal",
      }),
    ),
    h(
      "label",
      {},
      t("field.method"),
      h(
        "select",
        { id: `${prefix}-method` },
        METHODS.map((m) => h("option", { value: m, selected: s.method === m }, t(`method.${m}`))),
      ),
    ),
    h("button", { id: `${prefix}-submit`, type: "submit" }, button),
  );
}

export function readSelectionForm(prefix: string) {
  const budget = parseEuro(field(`${prefix}-budget`));
  if (budget === null) throw { problems: [{ code: "selection.amount_out_of_range", params: {} }] };
  return {
    edition: field(`${prefix}-edition`),
    wijk: field(`${prefix}-wijk`),
    budget_cents: budget,
    method: field(`${prefix}-method`) as Method,
  };
}
