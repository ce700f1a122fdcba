// What a volunteer types for the marks on one ballot: plan codes or row
// numbers, separated by spaces or commas, optionally `=value` (points, rank).
import type { Marks } from "./bindings";

export function parseMarks(text: string, codes: string[]): Marks | { unknown: string } {
  const marks: [string, number][] = [];
  for (const raw of text.split(/[\s,;]+/).filter((t) => t.length > 0)) {
    const [key, value] = raw.split("=");
    const n = Number(key);
    const code = Number.isInteger(n) && n >= 1 && n <= codes.length && !codes.includes(key.toUpperCase())
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
