// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { h } from "../common/dom";
import { restoreFields, snapshotFields } from "./fields";

describe("a refusal loses nothing typed", () => {
  it("puts typed values back into the redrawn form, but not PINs or self-managed drafts", () => {
    const form = () =>
      h(
        "div",
        {},
        h("input", { id: "plan-title", value: "" }),
        h("input", { id: "pin", type: "password", value: "" }),
        h("input", { id: "double", type: "checkbox" }),
        h("div", { "data-own-draft": true }, h("input", { id: "scan", value: "" })),
      );
    const before = form();
    (before.querySelector("#plan-title") as HTMLInputElement).value = "Speeltuin";
    (before.querySelector("#pin") as HTMLInputElement).value = "1234";
    (before.querySelector("#double") as HTMLInputElement).checked = true;
    (before.querySelector("#scan") as HTMLInputElement).value = "WS1:…";
    const typed = snapshotFields(before);
    const after = form();
    restoreFields(after, typed);
    expect((after.querySelector("#plan-title") as HTMLInputElement).value).toBe("Speeltuin");
    expect((after.querySelector("#double") as HTMLInputElement).checked).toBe(true);
    expect((after.querySelector("#pin") as HTMLInputElement).value).toBe("");
    expect((after.querySelector("#scan") as HTMLInputElement).value).toBe("");
  });
});
