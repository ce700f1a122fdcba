// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import type { Changed, ProgressView, TallyView } from "../common/bindings";
import { startProgressView } from "../app/views";
import { EVENTS, makeApi, type Platform } from "../common/platform";

const results: TallyView = {
  printed: 10,
  valid: 3,
  blank: 0,
  invalid: 1,
  doubtful: 0,
  reconciliation_queue: 0,
  online_valid: 0,
  plans: [
    { code: "MM01", title: "Bankjes", cost_cents: 100000, votes: 3, points: 3, online_votes: 0, funded: true },
    { code: "MM02", title: "Moestuin", cost_cents: 50000, votes: 0, points: 0, online_votes: 0, funded: false },
  ],
  funded_cost_cents: 100000,
  budget_cents: 120000,
  explanation: [],
  ties: [],
};

function view(closed: boolean, entered: number): ProgressView {
  return {
    edition: "Wijkbudget 2026",
    wijk: "Muide",
    closed,
    paused: false,
    boxes: [
      {
        id: 1,
        name: "Bus 1",
        location: "",
        expected: 5,
        entered,
        settled: entered,
        waiting: 0,
        differences: 0,
        closed,
        override_reason: null,
      },
    ],
    printed: 10,
    entered,
    settled: entered,
    waiting: 0,
    queue: 0,
    doubtful_open: 0,
    results: closed ? results : null,
  };
}

class Mock implements Platform {
  calls: string[] = [];
  handlers = new Map<string, (payload: unknown) => void>();
  constructor(private next: () => ProgressView) {}
  async call<T>(command: string): Promise<T> {
    this.calls.push(command);
    if (command !== "progress") throw new Error(`the view window called ${command}`);
    return this.next() as T;
  }
  async listen<T>(event: string, handler: (payload: T) => void): Promise<() => void> {
    this.handlers.set(event, handler as (payload: unknown) => void);
    return () => this.handlers.delete(event);
  }
  /** What the backend pushes after a committed write. */
  push(changes: Changed[]) {
    this.handlers.get(EVENTS.changed)?.(changes);
  }
}

describe("progress view (second screen)", () => {
  it("shows counts but no result while counting, the result once closed, and only reads", async () => {
    let state = view(false, 2);
    const mock = new Mock(() => state);
    const root = document.createElement("div");
    document.body.append(root);
    const stop = await startProgressView(makeApi(mock), root, 1);
    expect(root.querySelector("#p-entered .n")?.textContent).toBe("2");
    expect(root.querySelector("#p-results")).toBeNull();
    expect(root.querySelector("#p-no-results")).not.toBeNull();
    expect(root.textContent).not.toContain("Bankjes");
    // Nothing is read until the backend says this selection changed: no polling.
    state = view(true, 5);
    await new Promise((r) => setTimeout(r, 30));
    expect(mock.calls.length).toBe(1);
    mock.push([{ selection_id: 2, kind: "ballot" }]);
    await new Promise((r) => setTimeout(r, 10));
    expect(mock.calls.length).toBe(1);
    mock.push([{ selection_id: 1, kind: "ballot" }]);
    await new Promise((r) => setTimeout(r, 10));
    stop();
    expect(mock.handlers.size).toBe(0);
    expect(root.querySelector("#p-entered .n")?.textContent).toBe("5");
    expect(root.querySelector("#p-results tr.funded")?.getAttribute("data-plan-code")).toBe("MM01");
    expect(new Set(mock.calls)).toEqual(new Set(["progress"]));
  });
});
