// Offline stemmen, the count: tally, differences, doubtful ballots, closing, the progress screen.
import type { DifferenceView, ProgressView, Selection } from "../common/bindings";
import { h, field } from "../common/dom";
import { lang, t } from "../common/i18n";
import { formatEuro } from "../common/money";
import { bundleCard } from "../common/bundle";
import type { PaperCtx } from "./paper";

export async function tallyTab(
  ctx: PaperCtx,
  s: Selection,
  rule: string,
  setRule: (r: string) => void,
): Promise<HTMLElement> {
  const settings = await ctx.api.paperSettings(s.id);
  if (!settings) return h("p", { class: "msg error" }, t("paperui.no_style_yet"));
  const [view, queue, reviews, progress] = await Promise.all([
    ctx.api.tally(s.id, rule, lang()),
    ctx.api.differences(s.id),
    ctx.api.reviews(s.id),
    ctx.api.progress(s.id, lang()),
  ]);
  const online = view.online_valid > 0;
  const resolve = (serial: string, how: "keep_first" | "keep_second" | "discard_both" | "recheck") =>
    ctx.act(() => ctx.api.resolve(s.id, serial, how));
  const closeCount = () =>
    ctx.act(async () => {
      if (!confirm(t("paperui.confirm_close"))) return;
      await ctx.api.closeCount(s.id);
      ctx.info(t("paperui.count_closed"));
    });
  const exportRecords = () =>
    ctx.act(async () => {
      const paths = await ctx.api.exportRecords(s.id);
      ctx.info(t("paperui.exported", { paths: paths.join(", ") }), paths);
    });
  const exportInternal = () =>
    ctx.act(async () => {
      if (!confirm(t("paperui.confirm_internal"))) return;
      const path = await ctx.api.exportInternal(s.id, lang());
      ctx.info(t("paperui.exported_internal", { path }), [path]);
    });
  return h(
    "div",
    {},
    h(
      "div",
      { class: "row toolbar" },
      progress.closed
        ? h("span", { class: "badge", id: "count-state" }, t("status.closed"))
        : progress.queue + progress.doubtful_open > 0
          ? // Closing is irreversible: not offered while differences or doubtful ballots wait, and it says why.
            h(
              "span",
              {},
              h(
                "button",
                { id: "close-count", class: "danger", disabled: true, "aria-describedby": "close-why" },
                t("paperui.close_count"),
              ),
              " ",
              h(
                "span",
                { class: "why-disabled", id: "close-why" },
                t("paperui.close_needs_settled", { queue: progress.queue, doubtful: progress.doubtful_open }),
              ),
            )
          : h("button", { id: "close-count", class: "danger", onclick: closeCount }, t("paperui.close_count")),
      h("button", { id: "export-records", class: "secondary", onclick: exportRecords }, t("paperui.export")),
      h("button", { id: "export-internal", class: "secondary", onclick: exportInternal }, t("paperui.export_internal")),
      h(
        "button",
        {
          id: "open-progress",
          class: "secondary",
          onclick: () => ctx.act(() => ctx.api.openViewWindow("progress", s.id)),
        },
        t("paperui.open_progress"),
      ),
    ),
    h(
      "div",
      { class: "card" },
      h("h2", {}, t("paperui.queue")),
      queue.length === 0
        ? h("p", { class: "muted", id: "queue-empty" }, t("paperui.queue_empty"))
        : h(
            "div",
            { id: "queue" },
            queue.map((d) => differenceCard(d, resolve)),
          ),
    ),
    progress.closed ? bundleCard(ctx, s) : null,
    reviews.length ? reviewCard(ctx, s, reviews) : null,
    h(
      "div",
      { class: "card" },
      h(
        "p",
        { id: "tally-counts" },
        t(online ? "paperui.counts_online" : "paperui.counts", {
          online: view.online_valid,
          paper: view.valid - view.online_valid,
          printed: view.printed,
          valid: view.valid,
          blank: view.blank,
          invalid: view.invalid,
          doubtful: view.doubtful,
          queue: view.reconciliation_queue,
        }),
      ),
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
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, t("field.code")),
            h("th", {}, t("field.title")),
            // With an online vote: each plan's paper and online votes apart, then together.
            online ? h("th", { class: "num" }, t("paperui.votes_paper")) : null,
            online ? h("th", { class: "num" }, t("paperui.votes_online")) : null,
            h("th", { class: "num" }, online ? t("paperui.votes_total") : t("paperui.votes")),
            h("th", { class: "num" }, t("paperui.points")),
            h("th", { class: "num" }, t("field.cost")),
            h("th", {}, t("paperui.funded")),
          ),
        ),
        h(
          "tbody",
          {},
          view.plans.map((p) =>
            h(
              "tr",
              { "data-plan-code": p.code, class: p.funded ? "funded" : "" },
              h("td", {}, p.code),
              h("td", {}, p.title),
              online ? h("td", { class: "num votes-paper" }, p.votes - p.online_votes) : null,
              online ? h("td", { class: "num votes-online" }, p.online_votes) : null,
              h("td", { class: "num votes" }, p.votes),
              h("td", { class: "num" }, p.points),
              h("td", { class: "num" }, formatEuro(p.cost_cents, lang())),
              h("td", { class: "funded-flag" }, p.funded ? t("paperui.yes") : t("paperui.no")),
            ),
          ),
        ),
      ),
      h(
        "p",
        { id: "funded-total" },
        t("paperui.funded_total", {
          total: formatEuro(view.funded_cost_cents, lang()),
          budget: formatEuro(view.budget_cents, lang()),
        }),
      ),
      h("h2", {}, t("paperui.explanation")),
      h(
        "ol",
        { id: "explanation" },
        [...view.ties, ...view.explanation].map((line) => h("li", {}, line)),
      ),
    ),
  );
}

/** Doubtful ballots for the committee, and warnings the coordinator explains. */
function reviewCard(ctx: PaperCtx, s: Selection, reviews: import("../common/bindings").ReviewItem[]): HTMLElement {
  return h(
    "div",
    { class: "card", id: "reviews" },
    h("h2", {}, t("paperui.reviews")),
    h(
      "table",
      {},
      h(
        "tbody",
        {},
        reviews.map((r, i) => {
          const id = `review-${i}`;
          const actions =
            r.kind === "doubtful"
              ? [
                  h(
                    "button",
                    {
                      class: "secondary accept",
                      onclick: () => ctx.act(() => ctx.api.decideDoubtful(s.id, r.serial, true, field(id))),
                    },
                    t("paperui.accept"),
                  ),
                  " ",
                  h(
                    "button",
                    {
                      class: "danger reject",
                      onclick: () => ctx.act(() => ctx.api.decideDoubtful(s.id, r.serial, false, field(id))),
                    },
                    t("paperui.reject"),
                  ),
                ]
              : [
                  h(
                    "button",
                    {
                      class: "secondary explain",
                      onclick: () => ctx.act(() => ctx.api.explainWarning(s.id, r.serial, r.code, field(id))),
                    },
                    t("paperui.save_explanation"),
                  ),
                ];
          return h(
            "tr",
            { "data-serial": r.serial, "data-kind": r.kind, "data-code": r.code },
            h("td", {}, r.serial),
            h(
              "td",
              {},
              r.kind === "doubtful" ? t("paperui.doubtful_short") : t("paperui.warning_short"),
              ": ",
              r.code,
              r.detail ? ` (${r.detail})` : "",
            ),
            h(
              "td",
              { class: "decision" },
              r.decision ? t(`paperui.decided_${r.decision}`) : "",
              r.explanation ? h("div", { class: "muted" }, `${r.explanation} — ${r.by ?? ""}`) : null,
            ),
            h(
              "td",
              {},
              h("input", {
                id,
                class: "review-explanation",
                placeholder: t("paperui.explanation_ph"),
                "aria-label": t("paperui.explanation_ph"),
                size: 28,
              }),
              " ",
              actions,
            ),
          );
        }),
      ),
    ),
  );
}

/** The read-only progress screen for a projector or second screen. */
export function progressScreen(v: ProgressView): HTMLElement {
  const num = (label: string, value: number, id: string) =>
    h("div", { class: "big-num", id }, h("span", { class: "n" }, value), h("span", { class: "l" }, label));
  return h(
    "div",
    { class: "progress-screen", id: "progress-screen" },
    h("h1", {}, `${v.wijk} — ${v.edition}`),
    v.paused ? h("p", { class: "msg info" }, t("paperui.paused")) : null,
    h(
      "div",
      { class: "big-row" },
      num(t("paperui.p_entered"), v.entered, "p-entered"),
      num(t("paperui.p_settled"), v.settled, "p-settled"),
      num(t("paperui.p_waiting"), v.waiting, "p-waiting"),
      num(t("paperui.p_queue"), v.queue, "p-queue"),
      num(t("paperui.p_doubtful"), v.doubtful_open, "p-doubtful"),
    ),
    v.boxes.length
      ? h(
          "table",
          { id: "p-boxes" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["box", "expected", "entered", "settled", "status"].map((k) =>
                h("th", { class: k === "box" || k === "status" ? "" : "num" }, t(`paperui.box_${k}`)),
              ),
            ),
          ),
          h(
            "tbody",
            {},
            v.boxes.map((b) =>
              h(
                "tr",
                { "data-box-id": b.id },
                h("td", {}, b.name),
                h("td", { class: "num" }, b.expected),
                h("td", { class: "num" }, b.entered),
                h("td", { class: "num" }, b.settled),
                h("td", {}, b.closed ? t("paperui.box_closed") : t("paperui.box_open")),
              ),
            ),
          ),
        )
      : null,
    v.results
      ? h(
          "div",
          { id: "p-results" },
          h("h2", {}, t("paperui.results")),
          h(
            "table",
            {},
            h(
              "tbody",
              {},
              v.results.plans.map((p) =>
                h(
                  "tr",
                  { class: p.funded ? "funded" : "", "data-plan-code": p.code },
                  h("td", {}, p.code),
                  h("td", {}, p.title),
                  h("td", { class: "num" }, p.votes),
                  h("td", {}, p.funded ? t("paperui.funded") : ""),
                ),
              ),
            ),
          ),
          h(
            "p",
            {},
            t("paperui.funded_total", {
              total: formatEuro(v.results.funded_cost_cents, lang()),
              budget: formatEuro(v.results.budget_cents, lang()),
            }),
          ),
        )
      : h("p", { class: "muted", id: "p-no-results" }, t("paperui.no_results_yet")),
  );
}

/**
 * One double-entry difference, both entries side by side: who typed what,
 * when and from which box, the differing plans marked. Sending only those
 * plans back to be read again (blind) is the first choice.
 */
function differenceCard(
  d: DifferenceView,
  resolve: (serial: string, how: "keep_first" | "keep_second" | "discard_both" | "recheck") => void,
): HTMLElement {
  const time = (at: string) =>
    new Date(at).toLocaleTimeString(lang() === "nl" ? "nl-BE" : "en-GB", { hour: "2-digit", minute: "2-digit" });
  // Crosses as codes; points and ranks with their value.
  const crosses = [...d.first.marks, ...d.second.marks].every(([, v]) => v === 1);
  const marks = (side: DifferenceView["first"]) =>
    side.marks.length === 0
      ? t("paperui.blank_marks")
      : side.marks.flatMap(([code, v], i) => [
          i ? ", " : "",
          h(d.differing.includes(code) ? "mark" : "span", {}, crosses ? code : `${code}=${v}`),
        ]);
  const row = (no: number, side: DifferenceView["first"]) =>
    h(
      "tr",
      { class: `entry-${no}` },
      h("th", { scope: "row" }, t("paperui.entry_no", { no })),
      h("td", { class: "who" }, side.operator),
      h("td", {}, time(side.at)),
      h("td", {}, side.box_name ?? "—"),
      h("td", { class: "marks" }, marks(side)),
      h("td", {}, t(`verdict.${side.verdict}`)),
    );
  return h(
    "div",
    { class: "difference", "data-serial": d.serial },
    h("h3", {}, t("paperui.difference_of", { serial: d.shown })),
    h(
      "table",
      { class: "sides" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, ""),
          h("th", {}, t("paperui.typed_by")),
          h("th", {}, t("paperui.at")),
          h("th", {}, t("paperui.box")),
          h("th", {}, t("paperui.marked")),
          h("th", {}, t("paperui.verdict")),
        ),
      ),
      h("tbody", {}, row(1, d.first), row(2, d.second)),
    ),
    h("p", { class: "differs" }, t("paperui.differs_on", { plans: d.differing.join(", ") })),
    h(
      "div",
      { class: "row" },
      h(
        "button",
        { class: "recheck", onclick: () => resolve(d.serial, "recheck") },
        t("paperui.send_back_plans", { plans: d.differing.join(", ") }),
      ),
      h("button", { class: "secondary keep1", onclick: () => resolve(d.serial, "keep_first") }, t("paperui.keep1")),
      h("button", { class: "secondary keep2", onclick: () => resolve(d.serial, "keep_second") }, t("paperui.keep2")),
      h("button", { class: "danger discard", onclick: () => resolve(d.serial, "discard_both") }, t("paperui.discard")),
    ),
  );
}
