import { describe, expect, it } from "vitest";
import { parseMarks } from "./marks";
import { serialOf } from "./paper";

const codes = ["MM01", "MM02", "MM03"];

describe("parseMarks", () => {
  it("reads row numbers, codes and values", () => {
    expect(parseMarks("1 3", codes)).toEqual({
      marks: [
        ["MM01", 1],
        ["MM03", 1],
      ],
    });
    expect(parseMarks("mm02=3, 1=2", codes)).toEqual({
      marks: [
        ["MM02", 3],
        ["MM01", 2],
      ],
    });
    expect(parseMarks("", codes)).toEqual({ marks: [] });
  });
  it("reads AZERTY digits typed without Shift (& é \" ' ( § è ! ç à)", () => {
    expect(parseMarks('& "', codes)).toEqual({
      marks: [
        ["MM01", 1],
        ["MM03", 1],
      ],
    });
    expect(parseMarks("é=(", codes)).toEqual({ marks: [["MM02", 5]] });
    // Ten plans: "&à" is row 10.
    const ten = Array.from({ length: 10 }, (_, i) => `P${i + 1}`);
    expect(parseMarks("&à", ten)).toEqual({ marks: [["P10", 1]] });
    expect(parseMarks("&x", codes)).toEqual({ unknown: "&x" });
  });
  it("names what it cannot read instead of guessing", () => {
    expect(parseMarks("1 9", codes)).toEqual({ unknown: "9" });
    expect(parseMarks("MM01=x", codes)).toEqual({ unknown: "MM01=x" });
  });
});

describe("serialOf", () => {
  it("shows a scanned or typed ballot number as printed", () => {
    expect(serialOf("WS1:1:271595709:E6055591:E271")).toBe("2715-9570-9");
    expect(serialOf("2715-9570-9")).toBe("2715-9570-9");
    expect(serialOf("271595709")).toBe("2715-9570-9");
    expect(serialOf("WSBOX1:1:2:AB12")).toBeNull();
    expect(serialOf("onzin")).toBeNull();
  });
});
