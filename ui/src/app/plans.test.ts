// @vitest-environment happy-dom
// The plans tab: edit a plan from its row, change it in the form, cancel.
import { describe, expect, it } from "vitest";
import type { Plan } from "../common/bindings";
import type { Ctx } from "../common/ctx";
import { makeApi, type Platform } from "../common/platform";
import { PlanScreens, planForm, planRow } from "./plans";

const plan: Plan = {
  id: 7,
  selection_id: 1,
  code: "MM02",
  title: "Zitbanken",
  description: "Tien banken",
  cost_cents: 980_000,
  initiator: "Seniorenraad",
};

describe("plans tab", () => {
  it("edits a plan: the row opens the form with its values, saving sends them, cancel closes", async () => {
    const calls: [string, Record<string, unknown> | undefined][] = [];
    const platform: Platform = {
      async call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
        calls.push([command, args]);
        return null as T;
      },
      async listen() {
        return () => undefined;
      },
    };
    let draws = 0;
    const screens = new PlanScreens(() => {
      draws += 1;
    });
    const ctx: Ctx = {
      api: makeApi(platform),
      act: async (fn) => {
        await fn();
        return true;
      },
      info: () => undefined,
      lastProblems: () => [],
      coordinator: true,
    };
    const row = planRow(ctx, screens, plan);
    document.body.replaceChildren(h(row));
    (row.querySelector(".edit-plan") as HTMLButtonElement).click();
    expect(screens.editing?.code).toBe("MM02");
    expect(draws).toBe(1);

    const form = planForm(ctx, screens, 1);
    document.body.replaceChildren(form);
    expect((form.querySelector("#plan-code") as HTMLInputElement).value).toBe("MM02");
    expect((form.querySelector("#plan-cost") as HTMLInputElement).value).toBe("9.800,00");
    (form.querySelector("#plan-title") as HTMLInputElement).value = "Zitbanken met leuning";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.map((c) => c[0])).toEqual(["update_plan"]);
    const input = calls[0][1]?.input as { title: string; cost_cents: number };
    expect(input.title).toBe("Zitbanken met leuning");
    expect(input.cost_cents).toBe(980_000);
    expect(screens.editing).toBeNull();

    // Editing again, then cancel: nothing is sent.
    screens.editing = plan;
    const again = planForm(ctx, screens, 1);
    (again.querySelector("button.secondary") as HTMLButtonElement).click();
    expect(screens.editing).toBeNull();
    expect(calls.length).toBe(1);
  });
});

/** A table row needs a table around it to stay a row. */
function h(row: HTMLElement): HTMLElement {
  const table = document.createElement("table");
  const body = document.createElement("tbody");
  body.append(row);
  table.append(body);
  return table;
}
