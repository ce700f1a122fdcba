// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import type { ProjectedPlan, ProjectorView } from "../common/bindings";
import { projectorScreen } from "./panel";

const plan = (code: string, cost: number, score: number, fits: boolean): ProjectedPlan => ({
  code,
  title: `Plan ${code}`,
  cost_cents: cost * 100,
  score_text: String(score),
  bar: score * 100,
  fits,
  moved: null,
});

function view(plans: ProjectedPlan[], frozen = false): ProjectorView {
  return {
    wijk: "Muide",
    round: 1,
    votes: 5,
    present: 5,
    budget_cents: 10_000_00,
    plans,
    frozen,
    consent: null,
    version: 1,
  } as ProjectorView;
}

describe("projector", () => {
  it("puts the funded plans above the line and the skipped one below it, apart", () => {
    // Rank 2 (B, € 8.000) does not fit after A; rank 3 (C) does: greedy skips B.
    const el = projectorScreen(
      view([plan("A", 5000, 9, true), plan("B", 8000, 7, false), plan("C", 3000, 5, true), plan("D", 1000, 0, false)]),
    );
    const order = [...el.querySelectorAll(".pj-row")].map((r) => (r as HTMLElement).dataset.planCode);
    expect(order).toEqual(["A", "C", "B", "D"]);
    const line = el.querySelector("#budget-line")!;
    expect((line.previousElementSibling as HTMLElement).dataset.planCode).toBe("C");
    expect(line.textContent).toContain("€ 8.000,00 van € 10.000,00");
    // Ranks stay the ranking's; B says why it is below the line, D (ranked after C) does not.
    expect(el.querySelector('[data-plan-code="B"] .pj-rank')!.textContent).toBe("2");
    expect(el.querySelector('[data-plan-code="B"]')!.textContent).toContain("past niet meer in het budget");
    expect(el.querySelector('[data-plan-code="D"]')!.textContent).not.toContain("past niet");
    expect(el.querySelector(".pj-legend")).not.toBeNull();
  });
  it("shows no ranking, line or legend while a frozen round is entered", () => {
    const hidden = (p: ProjectedPlan) => ({ ...p, score_text: "", bar: 0 });
    const el = projectorScreen(view([hidden(plan("A", 5000, 0, false)), hidden(plan("B", 8000, 0, false))], true));
    expect(el.querySelector("#budget-line")).toBeNull();
    expect(el.querySelector(".pj-legend")).toBeNull();
    expect([...el.querySelectorAll(".pj-rank")].map((r) => r.textContent).join("")).toBe("");
  });
});
