// A tiny element builder: enough for forms and tables, no framework to ship.
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | ((e: Event) => void) | undefined>;

export function h(tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v as (e: Event) => void);
    else if (k === "value") (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function field(id: string): string {
  return (document.getElementById(id) as HTMLInputElement | null)?.value ?? "";
}

/** Set an element's text if it is on the page (a form part may be hidden or gone). */
export function setText(id: string, text: string): void {
  const el = document.getElementById(id);
  if (el) el.textContent = text;
}

/** Count an action or redraw in (+1) or out (-1). How many are under way is
 * kept on <html data-busy> itself (no module state), so automated tests can
 * wait until the screen settles. */
export function busy(delta: number): void {
  const el = document.documentElement;
  const n = Number(el.dataset.pending ?? "0") + delta;
  if (n > 0) {
    el.dataset.pending = String(n);
    el.dataset.busy = "1";
  } else {
    delete el.dataset.pending;
    delete el.dataset.busy;
  }
}
