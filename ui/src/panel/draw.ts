// The "Loting" tab of a gelote wijkpanel: load the quotas and the
// respondents, compute each respondent's chance, print the numbered table,
// record the number drawn in public and see the panel it seats.
import type { DrawRecord, Pick, Selection } from "../common/bindings";
import { h, field } from "../common/dom";
import { lang, t } from "../common/i18n";
import { picker } from "../app/tools";
import type { PanelCtx } from "./panel";

/** What the tab remembers between redraws: the two files chosen. */
export class DrawScreens {
  quotas: string | null = null;
  respondents: string | null = null;
  /** The member whose seat is being filled, and who may take it. */
  leaving: string | null = null;
  candidates: string[] = [];
}

/** A chance as people read it: a percentage with one decimal ("12,3 %"). */
export function percent(p: string): string {
  const v = Number(p) * 100;
  return `${v.toLocaleString(lang() === "nl" ? "nl-BE" : "en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
}

/** The sorted chances as bars, lowest first: how equal the draw is at a
 * glance. SVG attributes, not inline styles (the window's CSP has none). */
function chart(d: DrawRecord): HTMLElement {
  const ps = d.chances.map((c) => Number(c.probability)).sort((a, b) => a - b);
  const top = Math.max(...ps, 1e-9);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${ps.length} 100`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("class", "chance-svg");
  ps.forEach((p, i) => {
    const height = Math.max(1, (p / top) * 100);
    const bar = document.createElementNS(ns, "rect");
    bar.setAttribute("class", "chance-bar");
    bar.setAttribute("x", String(i + 0.1));
    bar.setAttribute("width", "0.8");
    bar.setAttribute("y", String(100 - height));
    bar.setAttribute("height", String(height));
    svg.append(bar);
  });
  return h(
    "figure",
    { class: "chance-chart", id: "draw-chart", role: "img", "aria-label": t("drawui.chart_label") },
    svg as unknown as HTMLElement,
    h(
      "figcaption",
      { class: "muted" },
      t("drawui.chart_caption", { min: percent(String(ps[0] ?? 0)), max: percent(String(top)) }),
    ),
  );
}

/** The number typed (digits only, as the dice gave them) or the seed, from
 * the form whose fields start with `prefix` ("draw" or "replace"). */
function typedPick(how: "number" | "seed", prefix: string): Pick {
  const typed = field(`${prefix}-${how}`).trim();
  if (how === "seed") return { kind: "seed", seed: typed };
  if (!/^\d+$/.test(typed)) throw { problems: [{ code: "draw.number_digits", params: { value: typed } }] };
  return { kind: "number", number: Number(typed) };
}

export async function panelDrawTab(ctx: PanelCtx, s: Selection, screens: DrawScreens): Promise<HTMLElement> {
  const d = await ctx.api.panelDrawRecord(s.id);
  const st = await ctx.api.panelState(s.id);
  const compute = (e: Event) => {
    e.preventDefault();
    ctx.act(async () => {
      if (!screens.quotas || !screens.respondents) throw { problems: [{ code: "draw.pick_both", params: {} }] };
      const r = await ctx.api.panelDrawFiles(
        s.id,
        screens.quotas,
        screens.respondents,
        Number(field("draw-size")),
        Number(field("draw-lottery")),
      );
      ctx.info(t("drawui.computed", { n: r.chances.length, min: percent(r.min_probability) }));
    });
  };
  const print = () =>
    ctx.act(async () => {
      const path = await ctx.api.printLottery(s.id, lang());
      ctx.info(t("drawui.printed", { path }), [path]);
    });
  const pick = (how: "number" | "seed") => (e: Event) => {
    e.preventDefault();
    ctx.act(async () => {
      const chosen = typedPick(how, "draw");
      if (!confirm(t("drawui.confirm_pick"))) return;
      const r = await ctx.api.panelPick(s.id, chosen);
      ctx.info(t("drawui.picked", { number: String(r.number), n: r.members.length }));
    });
  };
  const intro = h(
    "div",
    { class: "card", id: "draw-intro" },
    h("h2", {}, t("drawui.title")),
    h("p", {}, t("drawui.intro")),
  );
  if (d?.pick) {
    const p = d.pick;
    const seatedNow = st.members.map((m) => m.code);
    const canReplace = st.rounds.length === 0 && s.status !== "closed";
    const showCandidates = (e: Event) => {
      const member = (e.target as HTMLSelectElement).value;
      ctx.act(async () => {
        screens.leaving = member || null;
        screens.candidates = member ? await ctx.api.replacementCandidates(s.id, member) : [];
      });
    };
    const replace = (how: "number" | "seed") => (e: Event) => {
      e.preventDefault();
      ctx.act(async () => {
        const chosen = typedPick(how, "replace");
        if (!confirm(t("drawui.confirm_pick"))) return;
        const r = await ctx.api.replaceMember(s.id, screens.leaving ?? "", chosen, field("replace-reason"));
        screens.leaving = null;
        screens.candidates = [];
        ctx.info(t("drawui.replaced", { member: r.member, replacement: r.replacement }));
      });
    };
    const replaceCard = canReplace
      ? h(
          "div",
          { class: "card", id: "draw-replace" },
          h("h2", {}, t("drawui.replace_title")),
          h("p", {}, t("drawui.replace_help")),
          h(
            "div",
            { class: "row" },
            h(
              "label",
              {},
              t("drawui.replace_member"),
              h(
                "select",
                { id: "replace-member", onchange: showCandidates },
                h("option", { value: "" }, "—"),
                seatedNow.map((c) => h("option", { value: c, selected: screens.leaving === c }, c)),
              ),
            ),
          ),
          screens.leaving
            ? h(
                "div",
                {},
                h(
                  "p",
                  {},
                  t("drawui.replace_candidates", {
                    member: screens.leaving,
                    n: screens.candidates.length,
                    last: screens.candidates.length - 1,
                  }),
                ),
                h(
                  "ol",
                  { id: "replace-candidates", start: 0, class: "candidates" },
                  screens.candidates.map((c) => h("li", {}, c)),
                ),
                h("label", {}, t("drawui.replace_reason"), h("input", { id: "replace-reason", size: 40 })),
                h(
                  "form",
                  { class: "row", onsubmit: replace("number") },
                  h(
                    "label",
                    {},
                    t("drawui.number", { last: String(screens.candidates.length - 1) }),
                    h("input", { id: "replace-number", inputmode: "numeric", size: 6 }),
                  ),
                  h("button", { type: "submit", id: "replace-pick-number" }, t("drawui.replace_seat")),
                ),
                h(
                  "form",
                  { class: "row", onsubmit: replace("seed") },
                  h("label", {}, t("drawui.seed"), h("input", { id: "replace-seed", size: 40 })),
                  h("button", { type: "submit", class: "secondary", id: "replace-pick-seed" }, t("drawui.seat_seed")),
                ),
              )
            : null,
        )
      : null;
    const replacements = d.replacements.map((r) =>
      h("li", {}, t("drawui.replacement_line", { member: r.member, replacement: r.replacement, reason: r.reason })),
    );
    return h(
      "div",
      {},
      intro,
      h(
        "div",
        { class: "card", id: "draw-picked" },
        h(
          "h2",
          {},
          t("drawui.seated", {
            number: String(p.number).padStart(String(d.lottery - 1).length, "0"),
            n: p.members.length,
          }),
        ),
        h(
          "p",
          { class: "muted" },
          p.source === "dice" ? t("drawui.by_dice") : t("drawui.by_seed", { seed: p.source.replace(/^seed:/, "") }),
        ),
        h("p", { id: "draw-members" }, seatedNow.join(" · ")),
        replacements.length ? h("ul", { id: "draw-replacements" }, replacements) : null,
        h("p", { class: "muted" }, t("drawui.table_hash", { hash: d.table_sha256 })),
        h("button", { class: "secondary", type: "button", id: "draw-print", onclick: print }, t("drawui.print")),
      ),
      replaceCard,
    );
  }
  const closed = s.status === "closed" || st.members.length > 0 || st.rounds.length > 0;
  const computeCard = h(
    "form",
    { class: "card", id: "draw-form", onsubmit: compute },
    h("h2", {}, t(d ? "drawui.again" : "drawui.step_files")),
    h(
      "div",
      { class: "row" },
      picker(ctx, "draw-quotas", t("drawui.quotas"), "quotas", screens.quotas, (path) => {
        screens.quotas = path;
      }),
      picker(ctx, "draw-respondents", t("drawui.respondents"), "respondents", screens.respondents, (path) => {
        screens.respondents = path;
      }),
    ),
    h(
      "div",
      { class: "row" },
      h("label", {}, t("drawui.size"), h("input", { id: "draw-size", type: "number", min: 1, value: d?.size ?? 20 })),
      h(
        "label",
        {},
        t("drawui.lottery"),
        h(
          "select",
          { id: "draw-lottery" },
          [100, 1000, 10000].map((m) =>
            h("option", { value: m, selected: (d?.lottery ?? 1000) === m }, t(`drawui.lottery_${m}`)),
          ),
        ),
      ),
      h("button", { type: "submit", id: "draw-compute" }, t("drawui.compute")),
    ),
  );
  if (closed) return h("div", {}, intro, h("p", { class: "msg info", id: "draw-not-now" }, t("drawui.not_now")));
  if (!d) return h("div", {}, intro, computeCard);
  const last = String(d.lottery - 1);
  return h(
    "div",
    {},
    intro,
    h(
      "div",
      { class: "card", id: "draw-result" },
      h("h2", {}, t("drawui.chances", { n: d.chances.length, size: d.size })),
      h(
        "p",
        { id: "draw-min" },
        t("drawui.min", { min: percent(d.min_probability), count: d.at_min, dev: percent(d.max_deviation) }),
      ),
      chart(d),
      d.uniform_min
        ? h(
            "p",
            { id: "draw-uniform" },
            t("drawui.uniform", {
              min: percent(d.uniform_min),
              count: d.uniform_at_min,
              spread: percent(d.uniform_spread),
            }),
          )
        : null,
      h(
        "details",
        {},
        h("summary", {}, t("drawui.each")),
        h(
          "table",
          { id: "draw-chances" },
          h(
            "tr",
            {},
            h("th", {}, t("drawui.code")),
            h("th", {}, t("drawui.chance")),
            h("th", {}, t("drawui.tickets")),
            h("th", {}, t("drawui.uniform_col")),
          ),
          d.chances.map((c) =>
            h(
              "tr",
              {},
              h("td", {}, c.code),
              h("td", {}, percent(c.probability)),
              h("td", {}, String(c.tickets)),
              h("td", {}, c.uniform ? percent(c.uniform) : "—"),
            ),
          ),
        ),
      ),
      h("p", { class: "muted" }, t("drawui.table_hash", { hash: d.table_sha256 })),
      h(
        "button",
        { class: d.printed ? "secondary" : "", type: "button", id: "draw-print", onclick: print },
        t("drawui.print"),
      ),
      d.printed ? h("p", { class: "muted", id: "draw-printed" }, t("drawui.printed_stands")) : null,
    ),
    h(
      "div",
      { class: "card", id: "draw-pick" },
      h("h2", {}, t("drawui.step_pick")),
      h("p", {}, t("drawui.pick_help", { last, dice: last.length })),
      d.printed ? null : h("p", { class: "msg info", id: "draw-print-first" }, t("drawui.print_first")),
      h(
        "form",
        { class: "row", onsubmit: pick("number"), hidden: !d.printed },
        h("label", {}, t("drawui.number", { last }), h("input", { id: "draw-number", inputmode: "numeric", size: 6 })),
        h("button", { type: "submit", id: "draw-pick-number" }, t("drawui.seat")),
      ),
      h(
        "form",
        { class: "row", onsubmit: pick("seed"), hidden: !d.printed },
        h("label", {}, t("drawui.seed"), h("input", { id: "draw-seed", size: 40 })),
        h("button", { type: "submit", class: "secondary", id: "draw-pick-seed" }, t("drawui.seat_seed")),
      ),
    ),
    d.printed ? null : computeCard,
  );
}
