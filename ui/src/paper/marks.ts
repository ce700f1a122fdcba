// What a volunteer types for the marks on one ballot: plan codes or row
// numbers, separated by spaces or commas, optionally `=value` (points, rank).
import type { Marks } from "../common/bindings";

/** A Belgian AZERTY laptop without a numpad types these for 1–0 unshifted. */
const AZERTY: Record<string, string> = {
  "&": "1",
  é: "2",
  '"': "3",
  "'": "4",
  "(": "5",
  "§": "6",
  è: "7",
  "!": "8",
  ç: "9",
  à: "0",
};

/** `&é` → `12` when every character is an AZERTY digit (or a digit); other text unchanged. */
export function azertyDigits(text: string): string {
  return [...text].every((c) => c in AZERTY || (c >= "0" && c <= "9"))
    ? [...text].map((c) => AZERTY[c] ?? c).join("")
    : text;
}

export function parseMarks(text: string, codes: string[]): Marks | { unknown: string } {
  const marks: [string, number][] = [];
  for (const raw of text.split(/[\s,;]+/).filter((t) => t.length > 0)) {
    const [typedKey, typedValue] = raw.split("=");
    const key = codes.some((c) => c.toUpperCase() === typedKey.toUpperCase()) ? typedKey : azertyDigits(typedKey);
    const value = typedValue === undefined ? undefined : azertyDigits(typedValue);
    const n = Number(key);
    const code =
      Number.isInteger(n) && n >= 1 && n <= codes.length && !codes.includes(key.toUpperCase())
        ? codes[n - 1]
        : codes.find((c) => c.toUpperCase() === key.toUpperCase());
    if (!code) return { unknown: raw };
    const v = value === undefined ? 1 : Number(value);
    if (!Number.isInteger(v) || v < 0) return { unknown: raw };
    const existing = marks.find((m) => m[0] === code);
    if (existing) existing[1] = v;
    else marks.push([code, v]);
  }
  return { marks };
}
