import { describe, expect, it } from "vitest";
import amounts from "../../../tests/fixtures/amounts.json";
import { formatEuro, parseEuro } from "./money";

describe("money", () => {
  it("parses the shared golden table exactly like the Rust core", () => {
    expect(amounts.length).toBeGreaterThan(10);
    for (const [input, want] of amounts as [string, number | null][]) {
      expect(parseEuro(input), input).toBe(want);
    }
  });
  it("formats per language and round-trips", () => {
    expect(formatEuro(1250050, "nl")).toBe("€ 12.500,50");
    expect(formatEuro(1250050, "en")).toBe("€12,500.50");
    for (const c of [0, 5, 99, 100, 123456789, 99999999999]) {
      expect(parseEuro(formatEuro(c, "nl"))).toBe(c);
      expect(parseEuro(formatEuro(c, "en"))).toBe(c);
    }
  });
});
