// Display and entry of amounts. Parsing follows the same rules as the core's
// money::parse_euro; both are checked against tests/fixtures/amounts.json.
import type { Lang } from "./i18n";

export function formatEuro(cents: number, lang: Lang): string {
  const neg = cents < 0;
  const c = Math.abs(cents);
  const euros = Math.floor(c / 100).toString();
  const rest = (c % 100).toString().padStart(2, "0");
  const [thou, dec] = lang === "nl" ? [".", ","] : [",", "."];
  const grouped = euros.replace(/\B(?=(\d{3})+(?!\d))/g, thou);
  const sign = neg ? "-" : "";
  return lang === "nl" ? `${sign}€ ${grouped}${dec}${rest}` : `${sign}€${grouped}${dec}${rest}`;
}

const MAX_CENTS = 100_000_000_000;

function thousandsOk(s: string, sep: string): boolean {
  const groups = s.split(sep);
  if (groups.length === 1) return groups[0].length > 0;
  // A first group of 0 is no grouping: `0,001` is refused, not read as € 1 (as in money.rs).
  return (
    groups[0].length > 0 &&
    !groups[0].startsWith("0") &&
    groups[0].length <= 3 &&
    groups.slice(1).every((g) => g.length === 3)
  );
}

export function parseEuro(input: string): number | null {
  let s = input.trim().replace(/^€/, "").replace(/€$/, "").trim().replace(/EUR$/, "").trim();
  s = s.replace(/[ \u00a0']/g, "");
  if (s === "" || s.startsWith("-")) return null;
  const d = s.lastIndexOf(".");
  const c = s.lastIndexOf(",");
  let intPart: string;
  let frac: string;
  if (d < 0 && c < 0) {
    intPart = s;
    frac = "";
  } else if (d >= 0 && c >= 0) {
    const [dec, thou] = d > c ? [".", ","] : [",", "."];
    const pos = s.lastIndexOf(dec);
    const int = s.slice(0, pos);
    if (int.includes(dec) || !thousandsOk(int, thou)) return null;
    intPart = int.split(thou).join("");
    frac = s.slice(pos + 1);
  } else {
    const sep = d >= 0 ? "." : ",";
    const parts = s.split(sep);
    const last = parts[parts.length - 1];
    if (parts.length === 2 && (last.length === 1 || last.length === 2)) {
      intPart = parts[0];
      frac = last;
    } else if (thousandsOk(s, sep)) {
      intPart = s.split(sep).join("");
      frac = "";
    } else return null;
  }
  if (!/^\d+$/.test(intPart) || intPart.length > 12) return null;
  if (frac.length > 2 || !/^\d*$/.test(frac)) return null;
  const cents = Number(intPart) * 100 + (frac.length === 0 ? 0 : frac.length === 1 ? Number(frac) * 10 : Number(frac));
  return cents <= MAX_CENTS ? cents : null;
}
