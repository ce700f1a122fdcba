// @vitest-environment happy-dom
// One ballot entered through the real App on a mock backend: the calls the
// window makes for it (one write, then one read for the redraw).
import { describe, expect, it } from "vitest";
import { App } from "../app/app";
import type { EntryReceipt, EntryScreen, Plan, Selection } from "../common/bindings";
import { makeApi, type Platform } from "../common/platform";

const selection: Selection = {
  id: 1,
  edition: "Wijkbudget 2026",
  wijk: "Muide",
  budget_cents: 12_000_000,
  method: "ballots",
  status: "draft",
  created_at: "2026-12-01T18:00:00Z",
  plan_count: 2,
  total_cost_cents: 150_000,
};

const plans: Plan[] = ["MM01", "MM02"].map((code, i) => ({
  id: i + 1,
  selection_id: 1,
  code,
  title: `Plan ${code}`,
  description: "",
  cost_cents: 75_000,
  initiator: "",
}));

function screen(entered: number): EntryScreen {
  return {
    settings: {
      style: { kind: "approval", min: 1, max: 2 },
      double_entry: false,
      rules: { overvote: "invalid", undervote: "valid", points_per_plan: "invalid", ranks: "invalid" },
    },
    progress: {
      edition: selection.edition,
      wijk: selection.wijk,
      closed: false,
      paused: false,
      boxes: [],
      printed: 10,
      entered,
      settled: entered,
      waiting: 0,
      queue: 0,
      doubtful_open: 0,
      results: null,
    },
    boxes: [],
    rechecks: [],
  };
}

class Backend implements Platform {
  calls: string[] = [];
  entered = 0;
  async call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    this.calls.push(command);
    const answers: Record<string, () => unknown> = {
      startup_info: () => ({ db_path: "/tmp/w.sqlite", demo_loaded: false, failure: null, recovered: null }),
      signed_in: () => ({ name: "Lotte", role: "volunteer" }),
      backup_status: () => ({
        settings: { dir: null, every_minutes: 10, keep: 10 },
        last_backup: null,
        warning: null,
      }),
      set_location: () => null,
      about_info: () => ({
        version: "0.1.0",
        db_path: "/tmp/w.sqlite",
        backup_dir: null,
        key_file: "/tmp/key",
        public_key_file: "/tmp/key.pub",
        key_id: null,
        export_dir: "/tmp",
        chain_head: null,
      }),
      list_selections: () => [selection],
      get_selection: () => selection,
      list_plans: () => plans,
      entry_screen: () => screen(this.entered),
      get_draft: () => null,
      enter_ballot: () => {
        this.entered += 1;
        const receipt: EntryReceipt = {
          serial: String(args?.scan ?? ""),
          entry_no: 1,
          verdict: "valid",
          findings: [],
          double_entry: null,
          doubtful: null,
        };
        return receipt;
      },
    };
    const answer = answers[command];
    if (!answer) throw new Error(`unexpected call: ${command}`);
    return answer() as T;
  }
  async listen<T>(_event: string, _handler: (payload: T) => void): Promise<() => void> {
    return () => undefined;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe("entering one ballot", () => {
  it("costs one write and one read, and the screen shows the new count", async () => {
    localStorage.setItem("wijkstem.lang.Lotte", "nl");
    const backend = new Backend();
    const root = document.createElement("div");
    document.body.append(root);
    await new App(makeApi(backend), root).start();
    (root.querySelector(".open-selection") as HTMLButtonElement).click();
    await settle();
    // A volunteer lands on the entry screen.
    const form = root.querySelector("#entry-form") as HTMLFormElement;
    expect(form).not.toBeNull();
    expect(root.textContent).toContain("Plan MM01");
    backend.calls = [];
    (root.querySelector("#scan") as HTMLInputElement).value = "0000-0001-8";
    (root.querySelector("#marks-input") as HTMLInputElement).value = "MM01";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    expect(backend.calls.filter((c) => c !== "set_location")).toEqual(["enter_ballot", "entry_screen"]);
    // The redraw shows the receipt and the new count, with the plans kept.
    expect(root.querySelector("#entry-form")).not.toBeNull();
    expect(root.textContent).toContain("Plan MM01");
    expect(backend.entered).toBe(1);
    // Leaving the selection and coming back reads it again.
    (root.querySelector("#back") as HTMLButtonElement).click();
    await settle();
    backend.calls = [];
    (root.querySelector(".open-selection") as HTMLButtonElement).click();
    await settle();
    expect(backend.calls).toContain("get_selection");
    expect(backend.calls).toContain("list_plans");
  });
});
