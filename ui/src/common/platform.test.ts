import { describe, expect, it } from "vitest";
import { asFailure, makeApi, type Platform } from "./platform";

class MockPlatform implements Platform {
  calls: [string, Record<string, unknown> | undefined][] = [];
  async call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    this.calls.push([command, args]);
    if (command === "add_plan") throw { problems: [{ code: "selection.code_taken", params: { code: "A" } }] };
    return null as T;
  }
  async listen<T>(_event: string, _handler: (payload: T) => void): Promise<() => void> {
    return () => {};
  }
}

describe("platform", () => {
  it("sends the argument names the Rust commands expect (camelCase over IPC)", async () => {
    const m = new MockPlatform();
    const api = makeApi(m);
    await api.listPlans(7);
    await api.importPlansCsv(7, "x", "f.csv");
    await api.updateSelection(3, { edition: "e", wijk: "w", budget_cents: 1, method: "panel" });
    expect(m.calls).toEqual([
      ["list_plans", { selectionId: 7 }],
      ["import_plans_csv", { selectionId: 7, contents: "x", fileName: "f.csv" }],
      ["update_selection", { id: 3, input: { edition: "e", wijk: "w", budget_cents: 1, method: "panel" } }],
    ]);
  });
  it("passes core failures through as data", async () => {
    const api = makeApi(new MockPlatform());
    const err = await api
      .addPlan(1, { code: "A", title: "t", description: "", cost_cents: 1, initiator: "" })
      .catch((e) => e);
    expect(asFailure(err).problems[0].code).toBe("selection.code_taken");
    expect(asFailure("boom").problems[0].code).toBe("store.sql");
  });
});
