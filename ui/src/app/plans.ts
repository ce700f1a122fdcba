// A selection's plans: the list with edit and remove, and the form to add or
// change one.
import type { Plan } from "../common/bindings";
import type { Ctx } from "../common/ctx";
import { h, field } from "../common/dom";
import { lang, t } from "../common/i18n";
import { formatEuro, parseEuro } from "../common/money";

/** What the plans tab remembers between draws (one per App). */
export class PlanScreens {
  /** The plan being edited, if any. */
  editing: Plan | null = null;
  constructor(
    /** Clear the messages and draw again (the App's). */
    readonly redraw: () => void,
  ) {}
}

export function planRow(ctx: Ctx, plans: PlanScreens, p: Plan): HTMLElement {
  return h(
    "tr",
    { "data-plan-code": p.code },
    h("td", { class: "code" }, p.code),
    h("td", {}, h("strong", {}, p.title), h("div", { class: "muted" }, p.description)),
    h("td", {}, p.initiator),
    h("td", { class: "num cost" }, formatEuro(p.cost_cents, lang())),
    h(
      "td",
      {},
      h(
        "button",
        {
          class: "secondary edit-plan",
          onclick: () => {
            plans.editing = p;
            plans.redraw();
          },
        },
        t("action.edit"),
      ),
      " ",
      h(
        "button",
        {
          class: "danger remove-plan",
          onclick: () => {
            if (confirm(t("action.confirm_remove", { code: p.code }))) ctx.act(() => ctx.api.removePlan(p.id));
          },
        },
        t("action.remove"),
      ),
    ),
  );
}

export function planForm(ctx: Ctx, plans: PlanScreens, selectionId: number): HTMLElement {
  const p = plans.editing;
  const submit = (e: Event) => {
    e.preventDefault();
    ctx.act(async () => {
      const cost = parseEuro(field("plan-cost"));
      if (cost === null) throw { problems: [{ code: "selection.amount_out_of_range", params: {} }] };
      const input = {
        code: field("plan-code"),
        title: field("plan-title"),
        description: field("plan-description"),
        cost_cents: cost,
        initiator: field("plan-initiator"),
      };
      if (p) await ctx.api.updatePlan(p.id, input);
      else await ctx.api.addPlan(selectionId, input);
      plans.editing = null;
      ctx.info(t("selection.saved"));
    });
  };
  return h(
    "form",
    { class: "card", id: "plan-form", onsubmit: submit },
    h("h2", {}, p ? `${t("action.edit")}: ${p.code}` : t("action.add_plan")),
    h(
      "div",
      { class: "row" },
      h("label", {}, t("field.code"), h("input", { id: "plan-code", size: 6, value: p?.code ?? "" })),
      h("label", {}, t("field.title"), h("input", { id: "plan-title", size: 30, value: p?.title ?? "" })),
      h(
        "label",
        {},
        t("field.cost"),
        h("input", {
          id: "plan-cost",
          size: 10,
          inputmode: "decimal",
          value: p ? formatEuro(p.cost_cents, lang()).replace("€", "").trim() : "",
        }),
      ),
      h("label", {}, t("field.initiator"), h("input", { id: "plan-initiator", size: 18, value: p?.initiator ?? "" })),
    ),
    h(
      "label",
      {},
      t("field.description"),
      h("textarea", { id: "plan-description", rows: 2, cols: 80 }, p?.description ?? ""),
    ),
    h(
      "p",
      {},
      h("button", { id: "plan-submit", type: "submit" }, p ? t("action.save") : t("action.add_plan")),
      " ",
      p
        ? h(
            "button",
            {
              class: "secondary",
              type: "button",
              onclick: () => {
                plans.editing = null;
                plans.redraw();
              },
            },
            t("action.cancel"),
          )
        : null,
    ),
  );
}
