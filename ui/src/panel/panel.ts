// Gelote wijkpanels: members and rounds, the moderator's fast entry grid,
// and the projector screen (a separate, read-only window).
import type { ProjectedPlan, Plan, ProjectorView, RoundFormat, Selection } from "../common/bindings";
import { h, field, setText } from "../common/dom";
import { lang, t } from "../common/i18n";
import { formatEuro, parseEuro } from "../common/money";
import { bundleCard } from "../common/bundle";
import type { Ctx } from "../common/ctx";

/** What the panel screens remember between draws (one per App). */
export type PanelCtx = Ctx & { panel: PanelScreens };

export class PanelScreens {
  /** The member whose row gets the cursor at the next draw (after a saved vote). */
  focusMember: string | null = null;
  /** A refused row's typing, put back at the next draw. */
  keptRow: { member: string; typed: Record<string, string> } | null = null;
}

export async function panelSetupTab(ctx: PanelCtx, s: Selection, plans: Plan[]): Promise<HTMLElement> {
  const st = await ctx.api.panelState(s.id);
  const current = st.rounds[st.rounds.length - 1];
  const open = (e: Event) => {
    e.preventDefault();
    const kind = field("round-kind");
    const n = Number(field("round-n"));
    const format: RoundFormat =
      kind === "approval"
        ? { kind: "approval", max: n }
        : kind === "ranking"
          ? { kind: "ranking" }
          : kind === "consent"
            ? { kind: "consent" }
            : { kind: "points", per_member: n };
    const present = [...document.querySelectorAll<HTMLInputElement>("#round-form input.present:checked")].map(
      (x) => x.value,
    );
    ctx.act(async () => ctx.info(t("panelui.round_opened", { round: await ctx.api.openRound(s.id, format, present) })));
  };
  const amend = (e: Event) => {
    e.preventDefault();
    const cost = field("amend-cost").trim() ? parseEuro(field("amend-cost")) : null;
    ctx.act(async () => {
      if (field("amend-cost").trim() && cost === null)
        throw { problems: [{ code: "selection.amount_out_of_range", params: {} }] };
      await ctx.api.amend(
        s.id,
        field("amend-plan"),
        cost,
        (document.getElementById("amend-withdraw") as HTMLInputElement).checked,
        field("amend-merge") || null,
        field("amend-reason"),
      );
      ctx.info(t("panelui.amended"));
    });
  };
  const addMember = (e: Event) => {
    e.preventDefault();
    ctx.act(async () =>
      ctx.info(
        t("panelui.member_added", {
          member: (await ctx.api.addMember(s.id, field("member-code"), field("member-name"))).code,
        }),
      ),
    );
  };
  return h(
    "div",
    {},
    h(
      "div",
      { class: "card" },
      h("h2", {}, t("panelui.members", { n: st.members.length, quorum: st.quorum })),
      h("p", { class: "muted" }, st.members.map((m) => `${m.code} ${m.name}`).join(" · ")),
      h(
        "form",
        { class: "row", id: "member-form", onsubmit: addMember },
        h("label", {}, t("panelui.code"), h("input", { id: "member-code", size: 6 })),
        h("label", {}, t("panelui.name"), h("input", { id: "member-name", size: 16 })),
        h("button", { type: "submit", class: "secondary" }, t("panelui.add_member")),
      ),
    ),
    // A closed panel opens no more rounds and takes no more amendments.
    s.status === "closed" ? h("p", { class: "msg info", id: "panel-closed-note" }, t("panelui.panel_closed")) : null,
    s.status === "closed"
      ? null
      : h(
          "form",
          { class: "card", id: "round-form", onsubmit: open },
          h(
            "h2",
            {},
            current && !current.closed
              ? t("panelui.round_is_open", { round: current.no })
              : t("panelui.open_round", { round: st.rounds.length + 1 }),
          ),
          h(
            "div",
            { class: "row" },
            h(
              "label",
              {},
              t("panelui.format"),
              h(
                "select",
                {
                  id: "round-kind",
                  // The number says what it means for the chosen way of voting (none for ranking and consent).
                  onchange: (e: Event) => {
                    const k = (e.target as HTMLSelectElement).value;
                    setText("round-n-label", t(k === "approval" ? "panelui.n_approval" : "panelui.n_points"));
                    (document.getElementById("round-n-field") as HTMLElement).hidden =
                      k === "ranking" || k === "consent";
                  },
                },
                (["points", "approval", "ranking", "consent"] as const).map((k) =>
                  h("option", { value: k }, t(`panelui.format_${k}`)),
                ),
              ),
            ),
            h(
              "label",
              { id: "round-n-field" },
              h("span", { id: "round-n-label" }, t("panelui.n_points")),
              h("input", { id: "round-n", size: 4, value: 5 }),
            ),
          ),
          h("p", { class: "muted" }, t("panelui.present_help")),
          h(
            "div",
            { class: "row attendance" },
            st.members.map((m) =>
              h(
                "label",
                { class: "inline" },
                h("input", { type: "checkbox", class: "present", value: m.code, checked: true }),
                ` ${m.code}`,
              ),
            ),
          ),
          h("button", { id: "open-round", type: "submit", disabled: !!current && !current.closed }, t("panelui.open")),
        ),
    s.status === "closed"
      ? null
      : h(
          "form",
          { class: "card", id: "amend-form", onsubmit: amend },
          h("h2", {}, t("panelui.amend")),
          h(
            "div",
            { class: "row" },
            h(
              "label",
              {},
              t("field.code"),
              h(
                "select",
                { id: "amend-plan" },
                plans.map((p) => h("option", { value: p.code }, p.code)),
              ),
            ),
            h("label", {}, t("panelui.new_cost"), h("input", { id: "amend-cost", size: 10 })),
            h("label", {}, t("panelui.merge_from"), h("input", { id: "amend-merge", size: 6 })),
            h(
              "label",
              { class: "inline" },
              h("input", { type: "checkbox", id: "amend-withdraw" }),
              ` ${t("panelui.withdraw")}`,
            ),
            h("label", {}, t("panelui.reason"), h("input", { id: "amend-reason", size: 30 })),
            h("button", { id: "amend-save", type: "submit", class: "secondary" }, t("action.save")),
          ),
          st.amendments.length
            ? h(
                "ul",
                { id: "amendments" },
                st.amendments.map((a) =>
                  h(
                    "li",
                    {},
                    t("report.note_amend", {
                      round: a.after_round,
                      plan: a.plan,
                      reason: a.reason,
                      what: a.withdraw
                        ? t("report.amend_withdraw")
                        : a.merge_from
                          ? `${t("report.amend_merge")} ${a.merge_from}`
                          : `${t("report.amend_cost")} ${formatEuro(a.new_cost_cents ?? 0, lang())}`,
                    }),
                  ),
                ),
              )
            : null,
        ),
  );
}

/** The grid: present members by plans; type a member's votes, Enter saves the row. */

export async function panelEntryTab(ctx: PanelCtx, s: Selection): Promise<HTMLElement> {
  const [st, view] = await Promise.all([ctx.api.panelState(s.id), ctx.api.projector(s.id, lang())]);
  const r = st.rounds[st.rounds.length - 1];
  if (!r || r.closed) return h("p", { class: "msg info", id: "no-open-round" }, t("panelui.no_open_round"));
  const codes = view.plans.map((p) => p.code).sort();
  // The package a consent round is about: the last closed round's (the
  // projector may hide it while the round is entered).
  if (r.format.kind === "consent")
    return consentGrid(
      ctx,
      s,
      r.no,
      r.present,
      r.voted,
      (await ctx.api.panelPackage(s.id, lang()).catch(() => null))?.funded ?? [],
      r.frozen,
    );
  const titles = new Map(view.plans.map((p) => [p.code, p.title]));
  const per = r.format.kind === "points" ? r.format.per_member : r.format.kind === "approval" ? r.format.max : null;
  // Enter saves the row and moves to the next present member who has not voted.
  const nextAfter = (m: string) => {
    const order = r.present.filter((x) => !r.voted.includes(x) && x !== m);
    return order.find((x) => r.present.indexOf(x) > r.present.indexOf(m)) ?? order[0] ?? null;
  };
  const save = (member: string) => {
    const votes: [string, number][] = codes
      .map((c) => [c, Number(field(`g-${member}-${c}`) || 0)] as [string, number])
      .filter(([, v]) => v > 0);
    const typed = Object.fromEntries(codes.map((c) => [c, field(`g-${member}-${c}`)]));
    ctx.act(
      async () => {
        try {
          await ctx.api.castVote(s.id, r.no, member, votes);
        } catch (e) {
          // A refusal keeps what was typed in the row, and the cursor in it.
          ctx.panel.keptRow = { member, typed };
          throw e;
        }
        ctx.info(t("panelui.vote_saved", { member }));
        ctx.panel.focusMember = nextAfter(member);
      },
      { keepsSelection: true },
    );
  };
  const focusNow = ctx.panel.focusMember;
  const keptNow = ctx.panel.keptRow;
  ctx.panel.focusMember = null;
  ctx.panel.keptRow = null;
  const used = (m: string) => codes.reduce((sum, c) => sum + (Number(field(`g-${m}-${c}`)) || 0), 0);
  const counter = (m: string) =>
    per === null
      ? ""
      : t(r.format.kind === "points" ? "panelui.points_used" : "panelui.plans_used", {
          used: r.format.kind === "points" ? used(m) : codes.filter((c) => Number(field(`g-${m}-${c}`)) > 0).length,
          of: per,
        });
  const row = (m: string) => {
    const done = r.voted.includes(m);
    const count = h("td", { class: "counter", id: `count-${m}` }, "");
    const kept = keptNow?.member === m ? keptNow.typed : null;
    const tr = h(
      "tr",
      { "data-member": m, class: done ? "voted" : "" },
      h("th", { scope: "row" }, m),
      done ? h("td", { class: "counter" }, t("panelui.saved")) : count,
      codes.map((c, i) => {
        // A saved vote is not shown again: it is stored apart from the member.
        if (done) return h("td", { class: "saved-cell" }, "•");
        const input = h("input", {
          id: `g-${m}-${c}`,
          class: "cell",
          size: 2,
          inputmode: "numeric",
          autocomplete: "off",
          "aria-label": `${m} ${c}`,
          value: kept?.[c] ?? "",
          autofocus: (focusNow === m || kept !== null) && i === 0,
          "data-select": kept !== null && i === 0 ? "1" : undefined,
        }) as HTMLInputElement;
        input.addEventListener("keydown", (e) => {
          if ((e as KeyboardEvent).key === "Enter") {
            e.preventDefault();
            save(m);
          }
        });
        input.addEventListener("input", () => {
          count.textContent = counter(m);
          count.classList.toggle("over", per !== null && r.format.kind === "points" && used(m) > per);
        });
        return h("td", {}, input);
      }),
      h(
        "td",
        {},
        done
          ? "✓"
          : h(
              "button",
              { class: "secondary save-row", type: "button", tabindex: -1, onclick: () => save(m) },
              t("action.save"),
            ),
      ),
    );
    if (!done)
      queueMicrotask(() => {
        count.textContent = counter(m);
      });
    return tr;
  };
  const toggleFreeze = () => ctx.act(() => ctx.api.setFrozen(s.id, !r.frozen));
  // A scanned round card jumps to that member's row.
  const scan = h("input", {
    id: "card-scan",
    size: 28,
    autocomplete: "off",
    placeholder: t("panelui.scan_card"),
    "aria-label": t("panelui.scan_card"),
  }) as HTMLInputElement;
  scan.addEventListener("keydown", async (e) => {
    if ((e as KeyboardEvent).key !== "Enter") return;
    e.preventDefault();
    const hit = await ctx.api.cardScan(s.id, scan.value).catch(() => null);
    if (!hit || hit[0] !== r.no) {
      await ctx.act(async () => {
        throw { problems: [{ code: "ballot.unreadable", params: {} }] };
      });
      return;
    }
    scan.value = "";
    document.getElementById(`g-${hit[1]}-${codes[0]}`)?.focus();
  });
  const cards = () =>
    ctx.act(async () => {
      const path = await ctx.api.printRoundCards(s.id, lang());
      ctx.info(t("panelui.cards_printed", { path }), [path]);
    });
  const close = () =>
    ctx.act(async () => {
      await ctx.api.closeRound(s.id, r.no, field("quorum-reason") || null);
      ctx.info(t("panelui.round_closed", { round: r.no }));
    });
  return h(
    "div",
    {},
    h(
      "div",
      { class: "row toolbar" },
      h("strong", {}, t("panelui.round_status", { round: r.no, voted: r.voted.length, present: r.present.length })),
      // The moderator (a coordinator) projects, reveals, prints and closes; a volunteer enters votes.
      ctx.coordinator
        ? h(
            "button",
            {
              id: "open-projector",
              class: "secondary",
              onclick: () => ctx.act(() => ctx.api.openViewWindow("projector", s.id)),
            },
            t("panelui.projector"),
          )
        : null,
      ctx.coordinator
        ? h(
            "button",
            { id: "freeze", class: "secondary", onclick: toggleFreeze },
            r.frozen ? t("panelui.reveal") : t("panelui.freeze"),
          )
        : null,
      ctx.coordinator
        ? h("button", { id: "print-cards", class: "secondary", onclick: cards }, t("panelui.cards"))
        : null,
      scan,
    ),
    h(
      "div",
      { class: "grid-scroll" },
      h(
        "table",
        { id: "vote-grid", "data-own-draft": true },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, ""),
            h("th", {}, ""),
            codes.map((c) =>
              h(
                "th",
                { title: titles.get(c) ?? "" },
                h("span", { class: "code" }, c),
                h("span", { class: "short-title" }, titles.get(c) ?? ""),
              ),
            ),
            h("th", {}, ""),
          ),
        ),
        h("tbody", {}, r.present.map(row)),
      ),
    ),
    ctx.coordinator
      ? h(
          "div",
          { class: "card row" },
          h("label", {}, t("panelui.quorum_reason"), h("input", { id: "quorum-reason", size: 40 })),
          h("button", { id: "close-round", onclick: close }, t("panelui.close_round")),
        )
      : null,
  );
}

function consentGrid(
  ctx: PanelCtx,
  s: Selection,
  round: number,
  present: string[],
  voted: string[],
  funded: string[],
  frozen: boolean,
): HTMLElement {
  const record = (m: string, agree: boolean) =>
    ctx.act(
      async () => {
        await ctx.api.recordConsent(s.id, round, m, agree, field(`obj-${m}`));
        ctx.info(t("panelui.vote_saved", { member: m }));
      },
      { keepsSelection: true },
    );
  const close = () =>
    ctx.act(async () => {
      await ctx.api.closeRound(s.id, round, field("quorum-reason") || null);
      ctx.info(t("panelui.round_closed", { round }));
    });
  return h(
    "div",
    {},
    h(
      "div",
      { class: "row toolbar" },
      h("strong", {}, t("panelui.round_status", { round, voted: voted.length, present: present.length })),
      ctx.coordinator
        ? h(
            "button",
            { id: "freeze", class: "secondary", onclick: () => ctx.act(() => ctx.api.setFrozen(s.id, !frozen)) },
            frozen ? t("panelui.reveal") : t("panelui.freeze"),
          )
        : null,
    ),
    h("p", {}, t("panelui.consent_on", { plans: funded.join(", ") })),
    h(
      "table",
      { id: "consent-grid" },
      h(
        "tbody",
        {},
        present.map((m) =>
          h(
            "tr",
            { "data-member": m },
            h("th", {}, m),
            voted.includes(m)
              ? h("td", {}, "✓")
              : h(
                  "td",
                  {},
                  h("button", { class: "agree", onclick: () => record(m, true) }, t("panelui.agree")),
                  " ",
                  h("input", {
                    id: `obj-${m}`,
                    placeholder: t("panelui.objection"),
                    "aria-label": `${t("panelui.objection")}: ${m}`,
                    size: 30,
                  }),
                  " ",
                  h("button", { class: "secondary object", onclick: () => record(m, false) }, t("panelui.object")),
                ),
          ),
        ),
      ),
    ),
    ctx.coordinator
      ? h(
          "div",
          { class: "card row" },
          h("label", {}, t("panelui.quorum_reason"), h("input", { id: "quorum-reason", size: 40 })),
          h("button", { id: "close-round", onclick: close }, t("panelui.close_round")),
        )
      : null,
  );
}

export async function panelResultTab(ctx: PanelCtx, s: Selection): Promise<HTMLElement> {
  const pkg = await ctx.api.panelPackage(s.id, lang()).catch(() => null);
  if (!pkg) return h("p", { class: "msg info" }, t("problem.panel.no_closed_round"));
  const close = () =>
    ctx.act(async () => {
      if (!confirm(t("tablesui.confirm_close"))) return;
      await ctx.api.closePanel(s.id);
      ctx.info(t("tablesui.closed"));
    });
  return h(
    "div",
    {},
    h(
      "div",
      { class: "row toolbar" },
      s.status === "closed"
        ? h("span", { class: "badge", id: "panel-state" }, t("status.closed"))
        : h("button", { id: "close-panel", onclick: close }, t("tablesui.close")),
    ),
    s.status === "closed" ? bundleCard(ctx, s) : null,
    h(
      "div",
      { class: "card", id: "panel-result" },
      h("h2", {}, t("panelui.package")),
      h(
        "p",
        { id: "panel-funded" },
        t("panelui.funded", {
          plans: pkg.funded.join(", ") || "—",
          total: formatEuro(pkg.total_cost_cents, lang()),
          budget: formatEuro(s.budget_cents, lang()),
        }),
      ),
      h(
        "ol",
        {},
        pkg.explanation.map((l) => h("li", {}, l)),
      ),
    ),
  );
}

function bar(permille: number): HTMLElement {
  const el = h("span", { class: "pj-bar" });
  // Through the style object: the strict CSP forbids style attributes.
  el.style.width = `${permille / 10}%`;
  return el;
}

/** The projector: large type, bars, the budget line, movement, no one's vote. */
export function projectorScreen(v: ProjectorView): HTMLElement {
  // While a new round is entered the plans come in code order without
  // scores: no rank numbers, bars or budget line that would read as a ranking.
  const hidden = v.frozen && v.plans.every((p) => p.score_text === "");
  const lastFunded = v.plans.reduce((acc, p, i) => (p.fits ? i : acc), -1);
  const row = (p: ProjectedPlan, i: number) => {
    const arrow = p.moved === null || p.moved === 0 ? "" : p.moved > 0 ? `▲${p.moved}` : `▼${-p.moved}`;
    // Ranked above a funded plan yet not funded: it does not fit in what is left.
    const skipped = !hidden && !p.fits && i < lastFunded;
    return h(
      "div",
      { class: `pj-row ${hidden ? "" : p.fits ? "fits" : "out"}`, "data-plan-code": p.code },
      h("span", { class: "pj-rank" }, hidden ? "" : i + 1),
      h("span", { class: `pj-move ${p.moved && p.moved > 0 ? "up" : "down"}` }, arrow),
      h(
        "span",
        { class: "pj-title" },
        `${p.code} ${p.title}`,
        skipped ? h("span", { class: "pj-skip" }, ` — ${t("panelui.does_not_fit")}`) : null,
      ),
      hidden ? h("span", { class: "pj-barbox pj-hidden" }) : h("span", { class: "pj-barbox" }, bar(p.bar)),
      h("span", { class: "pj-score" }, p.score_text),
      h("span", { class: "pj-cost" }, formatEuro(p.cost_cents, lang())),
    );
  };
  const ranked = v.plans.map((p, i) => ({ p, i }));
  const funded = ranked.filter((x) => x.p.fits);
  const rest = ranked.filter((x) => !x.p.fits);
  const spent = funded.reduce((sum, x) => sum + x.p.cost_cents, 0);
  // The funded plans above the line, in rank order; the others below it, apart.
  const rows: HTMLElement[] = hidden
    ? ranked.map((x) => row(x.p, x.i))
    : [
        ...funded.map((x) => row(x.p, x.i)),
        h(
          "div",
          { class: "pj-budget-line", id: "budget-line" },
          t("panelui.budget_spent", { spent: formatEuro(spent, lang()), budget: formatEuro(v.budget_cents, lang()) }),
        ),
        ...(rest.length ? [h("div", { class: "pj-out-head" }, t("panelui.not_funded"))] : []),
        ...rest.map((x) => row(x.p, x.i)),
      ];
  return h(
    "div",
    {
      class: "projector",
      id: "projector",
      "data-version": v.version,
      "data-rendered-at": Date.now(),
      "data-frozen": v.frozen ? "1" : "0",
      style: `--rows: ${v.plans.length + 2}`,
    },
    h("h1", {}, `${v.wijk} — ${t("panelui.round")} ${v.round}`),
    h(
      "p",
      { class: "pj-sub" },
      v.frozen
        ? `${t("panelui.frozen")} ${t("panelui.votes_in", { votes: v.votes, present: v.present })}`
        : v.consent
          ? t("panelui.consent_in", { agreed: v.consent[0], objections: v.consent[1], present: v.present })
          : t("panelui.votes_in", { votes: v.votes, present: v.present }),
    ),
    h("div", { class: "pj-list" }, rows),
    hidden ? null : h("p", { class: "pj-legend" }, t("panelui.legend")),
  );
}
