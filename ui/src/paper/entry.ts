// Offline stemmen, fast entry: scan, marks, receipt, pause, undo, rechecks.
import type { Marks, BoxView, EntryReceipt, Plan, Selection } from "../common/bindings";
import { h, field } from "../common/dom";
import { lang, t } from "../common/i18n";
import { parseMarks } from "./marks";
import type { Draft, PaperCtx } from "./paper";

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
        const hit = await ctx.api.boxScan(s.id, text);
        const b = hit === null ? undefined : boxList.find((x) => x.id === hit);
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
