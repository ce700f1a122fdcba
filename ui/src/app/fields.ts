// Keeping what the operator typed across a redraw: a refused action loses
// nothing (not PINs, and not inside `[data-own-draft]`).

/** The values of the fields the operator can type in, by id (not PINs, and
 * not inside `[data-own-draft]`, which keep or clear their typing themselves). */
export function snapshotFields(root: HTMLElement): Map<string, string | boolean> {
  const out = new Map<string, string | boolean>();
  for (const el of root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
    "input[id], textarea[id], select[id]",
  )) {
    if (
      el.closest("[data-own-draft]") ||
      (el as HTMLInputElement).type === "password" ||
      (el as HTMLInputElement).type === "file"
    )
      continue;
    out.set(el.id, (el as HTMLInputElement).type === "checkbox" ? (el as HTMLInputElement).checked : el.value);
  }
  return out;
}

export function restoreFields(root: HTMLElement, typed: Map<string, string | boolean>) {
  for (const [id, v] of typed) {
    const el = root.querySelector<HTMLInputElement>(`[id="${CSS.escape(id)}"]`);
    if (!el || el.closest("[data-own-draft]") || el.readOnly) continue;
    if (typeof v === "boolean") el.checked = v;
    else el.value = v;
  }
}
