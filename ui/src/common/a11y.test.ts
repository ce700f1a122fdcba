// The main palette read from style.css itself: every text colour against
// its background has a contrast of at least 4.5:1 (WCAG AA for body text).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const css = readFileSync(new URL("../style.css", import.meta.url), "utf8");
const vars = Object.fromEntries([...css.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})/g)].map((m) => [m[1], m[2]]));

/** The colour a rule sets for `prop` (`color` or `background`), resolving var(--x). */
function colour(selector: string, prop: "color" | "background"): string {
  const esc = selector.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const rule = new RegExp(`(^|[\\n}])\\s*${esc}\\s*\\{([^}]*)\\}`).exec(css);
  if (!rule) throw new Error(`no rule ${selector}`);
  const m = new RegExp(`(?:^|;|\\s)${prop}:\\s*(#[0-9a-fA-F]{6}|white|var\\(--([\\w-]+)\\))`).exec(rule[2]);
  if (!m) throw new Error(`${selector} sets no ${prop}`);
  return m[2] ? vars[m[2]] : m[1] === "white" ? "#ffffff" : m[1];
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

describe("contrast of the main palette", () => {
  const white = "#ffffff";
  const pairs: [string, string, string][] = [
    ["body text on the page", colour(":root", "color"), colour(":root", "background")],
    ["button text on green", colour("button", "color"), colour("button", "background")],
    ["header text on green", colour("header.top", "color"), colour("header.top", "background")],
    ["secondary button", colour("button.secondary", "color"), colour("button.secondary", "background")],
    ["danger button", colour("button.danger", "color"), colour("button.danger", "background")],
    ["muted text on white", colour(".muted", "color"), white],
    ["muted text on the page", colour(".muted", "color"), colour(":root", "background")],
    ["error message", colour(".msg.error", "color"), colour(".msg.error", "background")],
    ["warning message", colour(".msg.warn", "color"), colour(".msg.warn", "background")],
    ["info message", colour(":root", "color"), colour(".msg.info", "background")],
    [
      "disabled button",
      colour("button:disabled, button[disabled]", "color"),
      colour("button:disabled, button[disabled]", "background"),
    ],
    ["why a button is disabled", colour(".why-disabled", "color"), colour(":root", "background")],
    ["projector: plans not funded", colour(".pj-row.out", "color"), white],
    ["projector: does not fit", colour(".pj-skip", "color"), white],
  ];
  it.each(pairs)("%s: at least 4.5:1", (_, fg, bg) => {
    expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
  });
  it("can fail: light grey on white is refused", () => {
    expect(contrast("#aaaaaa", white)).toBeLessThan(4.5);
  });
});

describe("focus is visible", () => {
  it("every control type has a focus outline", () => {
    const rule = /([^{}]*):focus-visible[^{]*\{([^}]*)\}/.exec(css)!;
    for (const el of ["button", "input", "select", "textarea"]) expect(rule[0]).toContain(`${el}:focus-visible`);
    expect(rule[2]).toMatch(/outline:\s*3px solid/);
  });
});
