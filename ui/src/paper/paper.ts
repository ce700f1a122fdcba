// Offline stemmen screens: ballot style and printing, fast entry, the count.
import type {
  Marks,
  BallotStyle,
  BoxView,
  DifferenceView,
  EntryReceipt,
  EntryRules,
  Plan,
  ProgressView,
  Selection,
  Treat,
} from "../common/bindings";
import { h, field, setText } from "../common/dom";
import { lang, t } from "../common/i18n";
import { parseMarks } from "./marks";
import { formatEuro } from "../common/money";
import { bundleCard } from "../common/bundle";
import type { Ctx } from "../common/ctx";
import { asFailure } from "../common/platform";

/** What the paper-ballot screens remember between draws (one per App). */
export type PaperCtx = Ctx & { paper: PaperScreens };

export class PaperScreens {
  /** Ballots per page offered in the print form (one after two did not fit). */
  perPage = 2;
  /** The last receipts per selection, newest first, shown under the entry form
   * (with the scanned text, so an undone ballot is entered again without a rescan). */
  receipts = new Map<number, { text: string; scan: string }[]>();
  /** An unsaved ballot to put back in the entry form (after a pause or an undo). */
  resumeDraft: string | null = null;
  /** The word of the marks that was not understood at the last refusal. */
  refusedToken: string | null = null;
  /** The ballot whose save was refused, kept to correct. */
  refused: Draft | null = null;
}

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

function describe(r: EntryReceipt, marks: Marks): string {
  const codes = r.findings.map((f) => f.code).join(", ");
  // The receipt repeats what was saved, so a typo is caught while the ballot is in hand.
  const plans = marks.marks.length
    ? marks.marks.map(([c, v]) => (v === 1 ? c : `${c}=${v}`)).join(", ")
    : t("paperui.no_plans_marked");
  let text =
    r.verdict === "valid"
      ? t("paperui.saved_valid", { serial: r.serial, plans })
      : r.verdict === "blank"
        ? t("paperui.saved_blank", { serial: r.serial, plans })
        : t("paperui.saved_invalid", { serial: r.serial, plans, codes });
  if (r.verdict === "valid" && codes) text += ` ${t("paperui.warnings", { codes })}`;
  if (r.double_entry) text += ` ${t(`paperui.double_${r.double_entry}`)}`;
  if (r.doubtful) text += ` ${t("paperui.saved_doubtful", { reason: r.doubtful })}`;
  return text;
}

/** The printed number of a scanned ballot (`WS1:1:271595709:…` → `2715-9570-9`), or null. */
export function serialOf(scan: string): string | null {
  const m = /^WS\d+:\d+:(\d{9}):/i.exec(scan.trim()) ?? /^(\d{4})-?(\d{4})-?(\d)$/.exec(scan.trim());
  if (!m) return null;
  const d = m.length === 2 ? m[1] : `${m[1]}${m[2]}${m[3]}`;
  return `${d.slice(0, 4)}-${d.slice(4, 8)}-${d.slice(8)}`;
}

/** The box an operator is entering from, per selection; survives redraws and restarts. */
const boxKey = (selectionId: number) => `wijkstem.box.${selectionId}`;
export function currentBox(selectionId: number, boxes: BoxView[]): number | null {
  const v = Number(localStorage.getItem(boxKey(selectionId)));
  const open = boxes.filter((b) => !b.closed);
  if (open.some((b) => b.id === v)) return v;
  return open.length === 1 ? open[0].id : null;
}

interface Draft {
  scan: string;
  marks: string;
  doubtful: boolean;
  reason: string;
}

export async function entryTab(ctx: PaperCtx, s: Selection, plans: Plan[]): Promise<HTMLElement> {
  // One call for everything this screen shows: after each ballot it is the only read.
  const { settings, progress, boxes: boxList, rechecks } = await ctx.api.entryScreen(s.id, lang());
  if (!settings) return h("p", { class: "msg error" }, t("paperui.no_style_yet"));
  if (progress.closed) return h("p", { class: "msg info", id: "count-closed" }, t("problem.paper.count_closed"));
  if (progress.paused) {
    const resume = () =>
      ctx.act(async () => {
        await ctx.api.setEntryPaused(s.id, false);
        ctx.paper.resumeDraft = await ctx.api.getDraft(s.id);
      });
    return h(
      "div",
      { class: "card", id: "paused" },
      h("h2", {}, t("paperui.paused")),
      h("p", {}, t("paperui.paused_help")),
      h("button", { id: "resume", onclick: resume }, t("paperui.resume")),
    );
  }
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
      const code = row.getAttribute("data-plan-code") ?? "";
      const m = marks.find((x) => x[0] === code);
      (row.querySelector("input") as HTMLInputElement).checked = !!m && m[1] > 0;
      const value = row.querySelector(".mark-value");
      if (value) value.textContent = m && settings.style.kind !== "approval" ? String(m[1]) : "";
    }
  };
  // Clicking a box edits the typed marks, so keyboard and mouse stay in step.
  for (const row of boxes) {
    row.querySelector("input")?.addEventListener("change", (e) => {
      const code = row.getAttribute("data-plan-code") ?? "";
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
    // Kept until the save succeeds, so a refusal (a typo in a plan code) does not wipe the typing.
    ctx.paper.refused = readDraft();
    const parsed = parseMarks(field("marks-input"), codes);
    ctx.paper.refusedToken = "unknown" in parsed ? parsed.unknown : null;
    ctx.act(
      async () => {
        if ("unknown" in parsed)
          throw { problems: [{ code: "ballot.unknown_plan", params: { code: parsed.unknown } }] };
        const doubtful = (document.getElementById("doubtful") as HTMLInputElement).checked
          ? field("doubtful-reason") || "?"
          : null;
        const r = await ctx.api.enterBallot(s.id, boxId, field("scan"), parsed, doubtful);
        const text = describe(r, parsed);
        ctx.info(text);
        ctx.paper.receipts.set(
          s.id,
          [{ text, scan: field("scan") }, ...(ctx.paper.receipts.get(s.id) ?? [])].slice(0, 5),
        );
        ctx.paper.refused = null;
      },
      { keepsSelection: true },
    );
  };
  const readDraft = (): Draft => ({
    scan: field("scan"),
    marks: field("marks-input"),
    doubtful: (document.getElementById("doubtful") as HTMLInputElement).checked,
    reason: field("doubtful-reason"),
  });
  const pause = () =>
    ctx.act(async () => {
      const d = readDraft();
      if (d.scan || d.marks) await ctx.api.saveDraft(s.id, JSON.stringify(d));
      await ctx.api.setEntryPaused(s.id, true);
    });
  const boxId = currentBox(s.id, boxList);
  const scan = h("input", { id: "scan", autocomplete: "off", autofocus: true, size: 40 }) as HTMLInputElement;
  // A USB scanner types the payload and Enter: move on to the marks. A box
  // cover's QR code switches the box instead.
  scan.addEventListener("keydown", async (e) => {
    if ((e as KeyboardEvent).key !== "Enter") return;
    e.preventDefault();
    if (/^wsbox/i.test(scan.value.trim())) {
      const text = scan.value;
      await ctx.act(async () => {
        const hit = await ctx.api.boxScan(text);
        const b = hit && hit[0] === s.id ? boxList.find((x) => x.id === hit[1]) : undefined;
        if (!b) throw { problems: [{ code: "box.unknown", params: { box: text.trim() } }] };
        if (b.closed) throw { problems: [{ code: "box.closed", params: { box: b.name } }] };
        localStorage.setItem(boxKey(s.id), String(b.id));
        ctx.info(t("paperui.box_now", { box: b.name }));
      });
      return;
    }
    lockScan();
    (document.getElementById("marks-input") as HTMLInputElement).focus();
  });
  const marksInput = h("input", { id: "marks-input", autocomplete: "off", size: 40 }) as HTMLInputElement;
  // The scanned ballot stands as a locked chip (number, box) until it is
  // saved or set aside; Esc in the marks, or the button, takes another.
  const chip = h("div", { class: "scan-chip", id: "scan-chip", hidden: true }) as HTMLElement;
  const boxName = () => boxList.find((b) => b.id === currentBox(s.id, boxList))?.name;
  function lockScan() {
    const serial = serialOf(scan.value);
    if (!serial) return;
    scan.readOnly = true;
    chip.hidden = false;
    chip.replaceChildren(
      h("strong", {}, t("paperui.scanned_chip", { serial })),
      boxName() ? ` · ${boxName()}` : "",
      " ",
      h(
        "button",
        { id: "cancel-scan", class: "secondary", type: "button", tabindex: -1, onclick: unlockScan },
        t("paperui.cancel_scan"),
      ),
    );
  }
  function unlockScan() {
    scan.readOnly = false;
    scan.value = "";
    marksInput.value = "";
    chip.hidden = true;
    reflect();
    scan.focus();
  }
  marksInput.addEventListener("keydown", (e) => {
    if ((e as KeyboardEvent).key === "Escape") {
      e.preventDefault();
      unlockScan();
    }
  });
  marksInput.addEventListener("input", reflect);
  const doubtfulBox = h("input", { type: "checkbox", id: "doubtful", tabindex: -1 }) as HTMLInputElement;
  const reasonInput = h("input", { id: "doubtful-reason", tabindex: -1 }) as HTMLInputElement;
  // After a refusal for a typing error the cursor goes to the field that is
  // wrong, with its text selected: typing replaces it, nothing else is lost.
  let wrongField: HTMLInputElement | null = null;
  if (ctx.paper.refused && !ctx.paper.resumeDraft) {
    const d = ctx.paper.refused;
    ctx.paper.refused = null;
    // A ctx.paper.refused ballot that the volunteer must set aside (duplicate, other
    // selection...) starts clean; one with a typing error keeps the typing.
    const problems = ctx.lastProblems();
    if (!problems.some((c) => c.startsWith("paper.") && c !== "paper.bad_marks")) {
      ctx.paper.resumeDraft = JSON.stringify(d);
      const scanWrong = problems.some(
        (c) => c.startsWith("ballot.") && c !== "ballot.unknown_plan" && c !== "ballot.plan_twice",
      );
      wrongField = scanWrong ? scan : marksInput;
    }
  }
  // Coming back from a pause: what was typed but not saved is back in place.
  if (ctx.paper.resumeDraft) {
    try {
      const d = JSON.parse(ctx.paper.resumeDraft) as Draft;
      scan.value = d.scan;
      marksInput.value = d.marks;
      doubtfulBox.checked = d.doubtful;
      reasonInput.value = d.reason;
      const focus = wrongField ?? marksInput;
      if (focus === marksInput) queueMicrotask(lockScan);
      scan.autofocus = false;
      focus.autofocus = true;
      focus.dataset.select = "1";
      // Only the word that was not understood is selected: "1 12" → "12".
      const hit =
        focus === marksInput && ctx.paper.refusedToken
          ? [...d.marks.matchAll(/[^\s,;]+/g)].find((m) => m[0] === ctx.paper.refusedToken)
          : undefined;
      if (hit?.index !== undefined) {
        focus.dataset.selFrom = String(hit.index);
        focus.dataset.selTo = String(hit.index + hit[0].length);
      }
      ctx.paper.refusedToken = null;
      queueMicrotask(reflect);
      ctx.api.clearDraft(s.id).catch(() => undefined);
    } catch {
      /* a draft that does not parse is dropped; nothing was acknowledged */
    }
    ctx.paper.resumeDraft = null;
  }
  const openBoxes = boxList.filter((b) => !b.closed);
  const boxChooser = boxList.length
    ? h(
        "label",
        {},
        t("paperui.current_box"),
        h(
          "select",
          {
            id: "entry-box",
            tabindex: -1,
            onchange: (e: Event) => {
              localStorage.setItem(boxKey(s.id), (e.target as HTMLSelectElement).value);
              ctx.act(async () => undefined);
            },
          },
          h("option", { value: "" }, "—"),
          openBoxes.map((b) =>
            h(
              "option",
              { value: b.id, selected: b.id === boxId },
              t("paperui.box_option", { name: b.name, entered: b.entered, expected: b.expected }),
            ),
          ),
        ),
      )
    : null;
  return h(
    "div",
    {},
    h(
      "div",
      { class: "row toolbar" },
      boxChooser,
      h(
        "button",
        { id: "pause", type: "button", class: "secondary", tabindex: -1, onclick: pause },
        t("paperui.pause"),
      ),
      h(
        "button",
        {
          id: "open-progress",
          type: "button",
          class: "secondary",
          tabindex: -1,
          onclick: () => ctx.act(() => ctx.api.openViewWindow("progress", s.id)),
        },
        t("paperui.open_progress"),
      ),
    ),
    entryForm(),
    receiptList(),
    rechecks.length ? recheckCard(ctx, s, rechecks, plans) : null,
  );
  function receiptList() {
    const list = ctx.paper.receipts.get(s.id) ?? [];
    // A typo seen on the receipt: take the entry back and type it again (the scan is kept).
    const undo = () =>
      ctx.act(async () => {
        const serial = await ctx.api.undoLastEntry(s.id);
        const last = list[0];
        ctx.paper.receipts.set(s.id, list.slice(1));
        ctx.paper.resumeDraft = JSON.stringify({ scan: last?.scan ?? "", marks: "", doubtful: false, reason: "" });
        ctx.info(t("paperui.undone", { serial }));
      });
    return list.length
      ? h(
          "div",
          { class: "card ctx.paper.receipts" },
          h("h3", {}, t("paperui.last_receipts")),
          h(
            "ol",
            { id: "receipts", "aria-live": "polite" },
            list.map((x) => h("li", {}, x.text)),
          ),
          h(
            "button",
            { id: "undo-last", class: "secondary", type: "button", tabindex: -1, onclick: undo },
            t("paperui.undo_last"),
          ),
        )
      : null;
  }
  function entryForm() {
    return h(
      "form",
      { class: "card", id: "entry-form", onsubmit: save, "data-own-draft": true },
      h("p", { class: "muted" }, t("paperui.entry_help")),
      chip,
      h(
        "div",
        { class: "row" },
        h("label", {}, t("paperui.scan"), scan),
        h("label", {}, t("paperui.marks"), marksInput),
      ),
      h("table", { id: "entry-plans" }, h("tbody", {}, boxes)),
      h(
        "p",
        { class: "row" },
        h("label", { class: "inline" }, doubtfulBox, " ", t("paperui.doubtful")),
        h("label", {}, t("paperui.reason"), reasonInput),
      ),
      h("button", { id: "save-entry", type: "submit" }, t("paperui.save_entry")),
    );
  }
}

/** Differences sent back: only the differing plans are shown, not what either entry said. */
function recheckCard(
  ctx: PaperCtx,
  s: Selection,
  rechecks: { serial: string; codes: string[] }[],
  plans: Plan[],
): HTMLElement {
  return h(
    "div",
    { class: "card", id: "rechecks" },
    h("h2", {}, t("paperui.rechecks")),
    h("p", { class: "muted" }, t("paperui.rechecks_help")),
    rechecks.map((r) => {
      const id = `recheck-${r.serial}`;
      const submit = (e: Event) => {
        e.preventDefault();
        const parsed = parseMarks(field(id), r.codes);
        ctx.act(async () => {
          if ("unknown" in parsed)
            throw {
              problems: [{ code: "review.not_asked", params: { code: parsed.unknown, codes: r.codes.join(", ") } }],
            };
          ctx.info(describe(await ctx.api.recheckEntry(s.id, r.serial, parsed), parsed));
        });
      };
      return h(
        "form",
        { class: "row recheck", "data-serial": r.serial, onsubmit: submit },
        h("strong", {}, r.serial),
        h("span", {}, r.codes.map((c) => `${c} ${plans.find((p) => p.code === c)?.title ?? ""}`).join(" · ")),
        h("label", {}, t("paperui.recheck_marks"), h("input", { id, class: "recheck-marks", size: 20 })),
        h("button", { type: "submit", class: "recheck-save" }, t("action.save")),
      );
    }),
  );
}

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
        t("paperui.counts", {
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
            h("th", { class: "num" }, t("paperui.votes")),
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
