// All words come from locales/*.json, shared with the Rust core.
import nl from "../../../locales/nl.json";
import en from "../../../locales/en.json";
import type { Problem } from "./bindings";

export type Lang = "nl" | "en";
type Tree = { [k: string]: string | Tree };
const tables: Record<Lang, Tree> = { nl: nl as Tree, en: en as Tree };

let current: Lang = "nl";

export function setLang(l: Lang): void {
  current = l;
}
export function lang(): Lang {
  return current;
}

function lookup(tree: Tree, key: string): string | undefined {
  let cur: string | Tree | undefined = tree;
  for (const part of key.split(".")) {
    if (cur === undefined || typeof cur === "string") return undefined;
    cur = cur[part];
  }
  return typeof cur === "string" ? cur : undefined;
}

export function t(key: string, params: Record<string, string | number | undefined> = {}): string {
  const template = lookup(tables[current], key) ?? lookup(tables.nl, key) ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (params[name] !== undefined ? String(params[name]) : m));
}

/** A problem in the current language; a `field` value is a field's name in
 * the code, shown by its word (`fieldname.<name>`). */
export function problemText(p: Problem): string {
  const params = { ...(p.params as Record<string, string>) };
  if (params.field !== undefined) {
    const word = lookup(tables[current], `fieldname.${params.field}`);
    if (word !== undefined) params.field = word;
  }
  return t(`problem.${p.code}`, params);
}

export function allKeys(l: Lang): string[] {
  const out: string[] = [];
  const walk = (prefix: string, tr: Tree) => {
    for (const [k, v] of Object.entries(tr)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (typeof v === "string") out.push(key);
      else walk(key, v);
    }
  };
  walk("", tables[l]);
  return out.sort();
}
