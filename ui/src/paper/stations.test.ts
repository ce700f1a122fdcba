// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import type { Selection, StationView } from "../common/bindings";
import type { Ctx } from "../common/ctx";
import { makeApi, type Platform } from "../common/platform";
import { keyGroups, stationsTab } from "./stations";

const sel: Selection = {
  id: 7,
  edition: "Wijkbudget 2026",
  wijk: "Muide",
  budget_cents: 1000000,
  method: "ballots",
  status: "open",
  plan_count: 3,
  total_cost_cents: 900000,
} as Selection;

const laptopB: StationView = {
  key_id: "0123456789ABCDEF",
  name: "Laptop B",
  packages: 2,
  last_import: "2026-12-02T20:15:00Z",
  last_number: 2,
  entries: 10,
  boxes: [
    { name: "Bus 1", entries: 5, handed_in: true, last_import: "2026-12-02T20:15:00Z" },
    { name: "Bus 2", entries: 5, handed_in: false, last_import: "2026-12-02T19:00:00Z" },
  ],
};

/** Answers the calls the tab makes and records them with their arguments. */
class Mock implements Platform {
  calls: [string, Record<string, unknown> | undefined][] = [];
  constructor(private station: boolean) {}
  async call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    this.calls.push([command, args]);
    const answers: Record<string, unknown> = {
      station_origin: this.station
        ? { coordinator_key: "FEDCBA9876543210", origin_selection_id: 1, setup_hash: "ab" }
        : null,
      about_info: { key_id: this.station ? "1111222233334444" : "AAAABBBBCCCCDDDD" },
      stations: [laptopB],
      station_conflicts: [],
      list_boxes: [{ id: 3, name: "Bus 1", closed: false }],
      pick_path: "/media/usb/telpost-muide-2.wsp",
      import_station_file: {
        file: "telpost-muide-2.wsp",
        station: "Laptop B",
        number: 2,
        already: false,
        added: 4,
        repeated: 6,
        conflicts: 1,
        withdrawn: 0,
      },
      export_station_file: {
        path: "/home/x/Wijkstem/telpost-muide-bus-1-3.wsp",
        number: 3,
        key_id: "1111222233334444",
      },
    };
    if (!(command in answers)) throw new Error(`unexpected call ${command}`);
    return answers[command] as T;
  }
  async listen<T>(): Promise<() => void> {
    return () => {};
  }
}

function ctxOf(mock: Mock, said: string[]): Ctx {
  return {
    api: makeApi(mock),
    act: async (fn) => {
      await fn();
      return true;
    },
    info: (text) => said.push(text),
    lastProblems: () => [],
    coordinator: true,
  };
}

describe("the Laptops tab", () => {
  it("shows the coordinator each station's boxes and imports the package chosen", async () => {
    const mock = new Mock(false);
    const said: string[] = [];
    const el = await stationsTab(ctxOf(mock, said), sel);
    document.body.replaceChildren(el);
    expect(el.querySelector("#my-key")?.textContent).toBe("AAAA BBBB CCCC DDDD");
    const row = el.querySelector('#stations-table tr[data-station="Laptop B"]');
    expect(row?.querySelector('[data-box="Bus 1"]')?.className).toContain("ok");
    expect(row?.querySelector('[data-box="Bus 2"]')?.textContent).toContain("nog niet ingeleverd");
    (el.querySelector("#import-package") as HTMLButtonElement).click();
    await new Promise((r) => setTimeout(r, 10));
    const imported = mock.calls.find(([c]) => c === "import_station_file");
    expect(imported?.[1]).toEqual({ selectionId: 7, path: "/media/usb/telpost-muide-2.wsp" });
    expect(said.join("\n")).toContain("nieuw 4, al bekend 6, conflicten 1");
    // Admitting: the key as typed (spaces taken out) and the name.
    (el.querySelector("#admit-key") as HTMLInputElement).value = "0123 4567 89ab cdef";
    (el.querySelector("#admit-name") as HTMLInputElement).value = "Laptop C";
    mock.calls = [];
    const answer = mock.call.bind(mock);
    mock.call = async <T>(c: string, a?: Record<string, unknown>) =>
      c === "admit_station" ? (mock.calls.push([c, a]), null as T) : answer<T>(c, a);
    (el.querySelector("#admit-form") as HTMLFormElement).dispatchEvent(new Event("submit"));
    await new Promise((r) => setTimeout(r, 10));
    expect(mock.calls[0]).toEqual(["admit_station", { selectionId: 7, keyId: "0123456789abcdef", name: "Laptop C" }]);
  });

  it("lets a station hand a box in, after asking", async () => {
    const mock = new Mock(true);
    const said: string[] = [];
    const el = await stationsTab(ctxOf(mock, said), sel);
    document.body.replaceChildren(el);
    expect(el.querySelector("#station-card")?.textContent).toContain("FEDC BA98 7654 3210");
    expect(el.querySelector("#my-key")?.textContent).toBe(keyGroups("1111222233334444"));
    (el.querySelector("#station-box") as HTMLSelectElement).value = "Bus 1";
    (el.querySelector("#station-hand-in") as HTMLInputElement).checked = true;
    const asked: string[] = [];
    globalThis.confirm = (q?: string) => {
      asked.push(q ?? "");
      return asked.length > 1;
    };
    const submit = () => (el.querySelector("#station-export") as HTMLFormElement).dispatchEvent(new Event("submit"));
    // Said no: nothing is written.
    submit();
    await new Promise((r) => setTimeout(r, 10));
    expect(mock.calls.some(([c]) => c === "export_station_file")).toBe(false);
    submit();
    await new Promise((r) => setTimeout(r, 10));
    expect(asked[0]).toContain("Bus 1");
    const made = mock.calls.find(([c]) => c === "export_station_file");
    expect(made?.[1]).toEqual({ selectionId: 7, boxName: "Bus 1", handIn: true, passphrase: null });
    expect(said.join("\n")).toContain("Pakket 3 staat in /home/x/Wijkstem/telpost-muide-bus-1-3.wsp");
  });
});
