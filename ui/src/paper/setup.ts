// Offline stemmen, set-up: ballot style, invalidity rules, printing, ballot boxes.
import type { BallotStyle, BoxView, EntryRules, Selection, Treat } from "../common/bindings";
import { h, field, setText } from "../common/dom";
import { lang, t } from "../common/i18n";
import { asFailure } from "../common/platform";
import type { PaperCtx } from "./paper";

export async function setupTab(ctx: PaperCtx, s: Selection): Promise<HTMLElement> {
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
    const rules: EntryRules = {
      ...(settings?.rules ?? DEFAULT_RULES),
      overvote: field("rule-overvote") as Treat,
      undervote: field("rule-undervote") as Treat,
    };
    ctx.act(async () => {
      await ctx.api.setPaperSettings(s.id, { style: next, double_entry: double, rules });
      ctx.info(t("paperui.style_saved"));
    });
  };
  const [a, b] =
    style.kind === "points"
      ? [style.total, style.max_per_plan]
      : style.kind === "ranking"
        ? [style.top, 0]
        : [style.min, style.max];
  const print = (e: Event) => {
    e.preventDefault();
    ctx.act(async () => {
      try {
        const path = await ctx.api.printBallots(s.id, num("print-count"), num("print-per-page"), lang());
        ctx.info(t("paperui.printed", { count: field("print-count"), path }), [path]);
      } catch (err) {
        // The plans do not fit half a page: the message says so, and the form now offers one per page.
        if (asFailure(err).problems.some((p) => p.code === "print.two_per_page_too_many")) ctx.paper.perPage = 1;
        throw err;
      }
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
            {
              id: "style-kind",
              // The number fields say what they mean for the chosen style.
              onchange: (e: Event) => {
                const k = (e.target as HTMLSelectElement).value as BallotStyle["kind"];
                setText("style-a-label", labelA(k));
                setText("style-b-label", labelB(k));
                (document.getElementById("style-b-field") as HTMLElement).hidden = k === "ranking";
              },
            },
            (["approval", "points", "ranking"] as const).map((k) =>
              h("option", { value: k, selected: style.kind === k }, t(`paperui.style_${k}`)),
            ),
          ),
        ),
        h(
          "label",
          {},
          h("span", { id: "style-a-label" }, labelA(style.kind)),
          h("input", { id: "style-a", size: 4, value: a }),
        ),
        h(
          "label",
          { id: "style-b-field", hidden: style.kind === "ranking" },
          h("span", { id: "style-b-label" }, labelB(style.kind)),
          h("input", { id: "style-b", size: 4, value: b }),
        ),
      ),
      h(
        "p",
        {},
        h(
          "label",
          { class: "inline" },
          h("input", { type: "checkbox", id: "double-entry", checked: settings?.double_entry ?? false }),
          " ",
          t("paperui.double_entry"),
        ),
      ),
      h(
        "div",
        { class: "row" },
        treatSelect(
          "rule-overvote",
          t("paperui.rule_overvote"),
          ["invalid", "doubtful"],
          settings?.rules.overvote ?? "invalid",
        ),
        treatSelect(
          "rule-undervote",
          t("paperui.rule_undervote"),
          ["valid", "invalid", "doubtful"],
          settings?.rules.undervote ?? "valid",
        ),
      ),
      h("button", { id: "save-style", type: "submit" }, t("paperui.save_style")),
    ),
    h(
      "form",
      { class: "card row", id: "print-form", onsubmit: print },
      h("label", {}, t("paperui.count"), h("input", { id: "print-count", size: 6, value: 100 })),
      h(
        "label",
        {},
        t("paperui.per_page"),
        h(
          "select",
          { id: "print-per-page", "data-own-draft": true },
          h("option", { value: 1, selected: ctx.paper.perPage === 1 }, "1"),
          h("option", { value: 2, selected: ctx.paper.perPage === 2 }, "2"),
        ),
      ),
      h(
        "button",
        {
          id: "print-ballots",
          type: "submit",
          disabled: !settings,
          "aria-describedby": settings ? undefined : "print-why",
        },
        t("paperui.print"),
      ),
      // A disabled button says why.
      settings ? null : h("span", { class: "why-disabled", id: "print-why" }, t("paperui.print_needs_style")),
    ),
    await boxesCard(ctx, s),
  );
}

function labelA(kind: BallotStyle["kind"]): string {
  return t(kind === "points" ? "paperui.total" : kind === "ranking" ? "paperui.top" : "paperui.min");
}
function labelB(kind: BallotStyle["kind"]): string {
  return t(kind === "points" ? "paperui.max_per_plan" : "paperui.max");
}

const DEFAULT_RULES: EntryRules = {
  overvote: "invalid",
  undervote: "valid",
  points_per_plan: "invalid",
  ranks: "invalid",
};

function treatSelect(id: string, label: string, options: Treat[], current: Treat): HTMLElement {
  return h(
    "label",
    {},
    label,
    h(
      "select",
      { id },
      options.map((o) => h("option", { value: o, selected: o === current }, t(`paperui.treat_${o}`))),
    ),
  );
}

/** Ballot boxes: add, print a cover sheet, close (reconciled or explained), reopen. */
async function boxesCard(ctx: PaperCtx, s: Selection): Promise<HTMLElement> {
  const boxes = await ctx.api.listBoxes(s.id);
  const add = (e: Event) => {
    e.preventDefault();
    ctx.act(async () => {
      const b = await ctx.api.createBox(s.id, {
        name: field("box-name"),
        location: field("box-location"),
        expected: Number(field("box-expected")),
      });
      ctx.info(t("paperui.box_added", { box: b.name }));
    });
  };
  const row = (b: BoxView) =>
    h(
      "tr",
      { "data-box-id": b.id, class: b.closed ? "closed" : "" },
      h("td", {}, h("strong", {}, b.name), h("div", { class: "muted" }, b.location)),
      h("td", { class: "num" }, b.expected),
      h("td", { class: "num box-entered" }, b.entered),
      h("td", { class: "num" }, b.settled),
      h("td", { class: "num" }, b.waiting),
      h("td", { class: "num" }, b.differences),
      h(
        "td",
        { class: "box-status" },
        b.closed ? t("paperui.box_closed") : t("paperui.box_open"),
        b.override_reason ? h("div", { class: "muted" }, b.override_reason) : null,
      ),
      h(
        "td",
        {},
        h(
          "button",
          {
            class: "secondary print-cover",
            type: "button",
            onclick: () =>
              ctx.act(async () => {
                const path = await ctx.api.printBoxCover(s.id, b.id, lang());
                ctx.info(t("paperui.cover_printed", { path }), [path]);
              }),
          },
          t("paperui.print_cover"),
        ),
        " ",
        b.closed
          ? h(
              "button",
              {
                class: "secondary reopen-box",
                type: "button",
                onclick: () => ctx.act(() => ctx.api.reopenBox(s.id, b.id, field(`box-reason-${b.id}`))),
              },
              t("paperui.reopen_box"),
            )
          : h(
              "button",
              {
                class: "close-box",
                type: "button",
                onclick: () =>
                  ctx.act(async () => {
                    await ctx.api.closeBox(s.id, b.id, field(`box-reason-${b.id}`) || null);
                    const head = (await ctx.api.aboutInfo()).chain_head;
                    if (head) ctx.info(t("paperui.box_closed_head", { box: b.name, short: head.short, seq: head.seq }));
                  }),
              },
              t("paperui.close_box"),
            ),
        h(
          "div",
          {},
          h("input", {
            id: `box-reason-${b.id}`,
            class: "box-reason",
            placeholder: t("paperui.box_reason"),
            "aria-label": `${t("paperui.box_reason")}: ${b.name}`,
            size: 16,
          }),
        ),
      ),
    );
  return h(
    "div",
    { class: "card", id: "boxes-card" },
    h("h2", {}, t("paperui.boxes")),
    h("p", { class: "muted" }, t("paperui.boxes_help")),
    boxes.length
      ? h(
          "table",
          { id: "boxes" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["box", "expected", "entered", "settled", "waiting", "differences", "status", ""].map((k) =>
                h("th", { class: ["box", "status", ""].includes(k) ? "" : "num" }, k ? t(`paperui.box_${k}`) : ""),
              ),
            ),
          ),
          h("tbody", {}, boxes.map(row)),
        )
      : null,
    h(
      "form",
      { class: "row", id: "box-form", onsubmit: add },
      h("label", {}, t("paperui.box_box"), h("input", { id: "box-name", size: 12 })),
      h("label", {}, t("paperui.box_location"), h("input", { id: "box-location", size: 20 })),
      h("label", {}, t("paperui.box_expected"), h("input", { id: "box-expected", size: 6, inputmode: "numeric" })),
      h("button", { id: "add-box", type: "submit" }, t("paperui.add_box")),
    ),
  );
}
