// The signed result bundle and the public key, exported from a closed
// selection of any method.
import type { Selection } from "./bindings";
import type { Ctx } from "./ctx";
import { h, field } from "./dom";
import { lang, t } from "./i18n";

/** After the count: sign and export the result bundle and the report. */
export function bundleCard(ctx: Ctx, s: Selection): HTMLElement {
  const exportBundle = () =>
    ctx.act(async () => {
      if (!(await keyConsent(ctx))) return;
      const r = await ctx.api.exportBundle(s.id, field("key-passphrase") || null, lang());
      ctx.info(
        t("paperui.bundle_done", { bundle: r.bundle_path, report: r.report_path, key: r.key_id, hash: r.content_hash }),
        [r.report_path, r.bundle_path],
      );
    });
  const exportKey = () =>
    ctx.act(async () => {
      if (!(await keyConsent(ctx))) return;
      const path = await ctx.api.exportPublicKey(field("key-passphrase") || null);
      ctx.info(t("paperui.key_done", { path }), [path]);
    });
  return h(
    "div",
    { class: "card", id: "bundle-card" },
    h("h2", {}, t("paperui.bundle")),
    h("p", { class: "muted" }, t("paperui.bundle_help")),
    h(
      "div",
      { class: "row" },
      h(
        "label",
        {},
        t("paperui.passphrase"),
        h("input", { id: "key-passphrase", type: "password", autocomplete: "off", size: 20 }),
      ),
      h("button", { id: "export-bundle", onclick: exportBundle }, t("paperui.export_bundle")),
      h("button", { id: "export-key", class: "secondary", onclick: exportKey }, t("paperui.export_key")),
    ),
  );
}

/**
 * Before the first signature makes the signing key: say so, and that a
 * passphrase protects it (and what forgetting one means); without one the
 * coordinator confirms knowingly. Returns whether to go on.
 */
async function keyConsent(ctx: Ctx): Promise<boolean> {
  if ((await ctx.api.aboutInfo()).key_id) return true;
  const ok = confirm(
    field("key-passphrase") ? t("paperui.new_key_with_passphrase") : t("paperui.new_key_without_passphrase"),
  );
  if (!ok) document.getElementById("key-passphrase")?.focus();
  return ok;
}
