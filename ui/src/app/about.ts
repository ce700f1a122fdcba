// "Over Wijkstem": version, where the database, backups, keys and exports are,
// and the audit chain's head to write down.
import type { Ctx } from "../common/ctx";
import { h } from "../common/dom";
import { t } from "../common/i18n";

/** Where things are: version, database, backups, signing key, exports. */
export async function aboutCard(ctx: Ctx): Promise<HTMLElement> {
  const a = await ctx.api.aboutInfo();
  const row = (id: string, label: string, value: string) =>
    h("tr", {}, h("th", { scope: "row" }, label), h("td", { id: `about-${id}`, class: "path" }, value));
  return h(
    "div",
    { class: "card", id: "about-card" },
    h("h2", {}, t("about.title")),
    h(
      "table",
      { class: "about" },
      h(
        "tbody",
        {},
        row("version", t("about.version"), a.version),
        row("database", t("about.database"), a.db_path),
        row("backups", t("about.backups"), a.backup_dir ?? t("about.no_backup_dir")),
        row("key-file", t("about.key_file"), a.key_file),
        row("public-key-file", t("about.public_key_file"), a.public_key_file),
        row("key-id", t("about.key_id"), a.key_id ?? t("about.no_key")),
        row("exports", t("about.exports"), a.export_dir),
        row(
          "chain-head",
          t("about.chain_head"),
          a.chain_head ? t("about.chain_head_value", { short: a.chain_head.short, seq: a.chain_head.seq }) : "—",
        ),
      ),
    ),
  );
}
