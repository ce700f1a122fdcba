import { describe, expect, it } from "vitest";
import { allKeys, problemText, setLang, t } from "./i18n";

describe("i18n", () => {
  it("has the same keys in Dutch and English", () => {
    expect(allKeys("en")).toEqual(allKeys("nl"));
  });
  it("fills placeholders and renders problems from the core", () => {
    setLang("nl");
    expect(t("selection.imported", { count: 3 })).toBe("3 plannen geïmporteerd.");
    const msg = problemText({ code: "csv.bad_cost", params: { row: "4", column: "cost", value: "veel" } });
    expect(msg).toContain("Rij 4");
    setLang("en");
    expect(problemText({ code: "csv.bad_cost", params: { row: "4", column: "cost", value: "veel" } })).toContain(
      "Row 4",
    );
    setLang("nl");
  });
});
