// The home screen's tools: backups to a second place (and the rescue list
// when the database cannot be opened), and checking a result bundle someone
// hands over; the file and folder picker they share.
import type { BackupInfo, Problem, VerifyView } from "../common/bindings";
import type { Ctx } from "../common/ctx";
import { h, field } from "../common/dom";
import { problemText, t } from "../common/i18n";

/** What the tools remember between draws (one per App). */
export class ToolScreens {
  verified: VerifyView | null = null;
  picked: { bundle: string | null; key: string | null } = { bundle: null, key: null };
  /** A backup folder chosen in the dialog, shown in the field until saved. */
  pickedBackupDir: string | null = null;
  /** Backups found by a search, shown once. */
  backups: BackupInfo[] | null = null;
}

/** What the tools tell the App. */
export interface AppHooks {
  setBackupWarning(w: Problem | null): void;
  /** A backup was restored while the database could not be opened: start again. */
  restartAfterRescue(): Promise<void>;
}

/** Backups to a second place (a USB stick): where, how often, how many; make one now. */
export async function backupCard(ctx: Ctx, tools: ToolScreens, app: AppHooks): Promise<HTMLElement> {
  const st = await ctx.api.backupStatus();
  app.setBackupWarning(st.warning);
  const save = (e: Event) => {
    e.preventDefault();
    ctx.act(async () => {
      await ctx.api.setBackupSettings({
        dir: field("backup-dir") || null,
        keep: Number(field("backup-keep")),
        every_minutes: Number(field("backup-every")),
      });
      tools.pickedBackupDir = null;
      ctx.info(t("backup.saved"));
    });
  };
  const now = () => ctx.act(async () => ctx.info(t("backup.made", { file: (await ctx.api.backupNow()).path })));
  return h(
    "div",
    { class: "card", id: "backup-card" },
    h("h2", {}, t("backup.title")),
    h("p", { class: "muted" }, t("backup.help")),
    h(
      "form",
      { class: "row", id: "backup-form", onsubmit: save },
      h(
        "label",
        {},
        t("backup.dir"),
        h("input", { id: "backup-dir", size: 36, value: tools.pickedBackupDir ?? st.settings.dir ?? "" }),
      ),
      // The folder from the laptop's own dialog (a USB stick), or typed.
      h(
        "button",
        {
          id: "backup-pick",
          class: "secondary",
          type: "button",
          onclick: () =>
            ctx.act(async () => {
              const p = await ctx.api.pickPath("folder", t("backup.dir"));
              if (p) tools.pickedBackupDir = p;
            }),
        },
        t("action.pick_folder"),
      ),
      h("label", {}, t("backup.keep"), h("input", { id: "backup-keep", size: 4, value: st.settings.keep })),
      h("label", {}, t("backup.every"), h("input", { id: "backup-every", size: 4, value: st.settings.every_minutes })),
      h("button", { id: "backup-save", type: "submit" }, t("action.save")),
      h(
        "button",
        { id: "backup-now", type: "button", class: "secondary", onclick: now, disabled: !st.settings.dir },
        t("backup.now"),
      ),
    ),
    h(
      "p",
      { class: "muted", id: "backup-last" },
      st.last_backup
        ? t("backup.last", { at: st.last_backup.replace("T", " ").replace("Z", " UTC") })
        : t("backup.none_yet"),
    ),
    await backupList(ctx, tools, app, false),
  );
}

/** The backups found, each with what it holds, and a restore that asks first. */
export async function backupList(ctx: Ctx, tools: ToolScreens, app: AppHooks, broken: boolean): Promise<HTMLElement> {
  const list = tools.backups ?? (await ctx.api.listBackups(null).catch(() => []));
  tools.backups = null;
  const restore = (b: BackupInfo) =>
    ctx.act(async () => {
      const what = b.selections.map((x) => `${x.wijk}: ${x.entries}`).join(", ");
      if (!confirm(t("backup.confirm", { file: b.file_name, what, at: b.last_event_at ?? "?" }))) return;
      const kept = await ctx.api.restoreBackup(b.path);
      ctx.info(t("backup.restored", { kept }));
      if (broken) {
        await app.restartAfterRescue();
      }
    });
  const search = () =>
    ctx.act(async () => {
      tools.backups = await ctx.api.listBackups(field("backup-search-dir") || null);
    });
  return h(
    "div",
    { class: broken ? "card" : "", id: "backups" },
    broken ? h("h2", {}, t("backup.rescue")) : h("h3", {}, t("backup.list")),
    broken ? h("p", {}, t("backup.rescue_help")) : null,
    broken
      ? h(
          "div",
          { class: "row" },
          h("label", {}, t("backup.dir"), h("input", { id: "backup-search-dir", size: 36 })),
          h("button", { id: "backup-search", onclick: search }, t("backup.search")),
        )
      : null,
    list.length === 0
      ? h("p", { class: "muted" }, t("backup.none_found"))
      : h(
          "table",
          {},
          h(
            "tbody",
            {},
            list.map((b) =>
              h(
                "tr",
                { "data-file": b.file_name },
                h("td", {}, b.file_name),
                h(
                  "td",
                  {},
                  b.problem
                    ? h("span", { class: "msg error" }, problemText(b.problem))
                    : b.selections.map((x) => `${x.wijk}: ${x.entries}`).join(" · "),
                ),
                h(
                  "td",
                  {},
                  b.problem
                    ? null
                    : h("button", { class: "secondary restore", onclick: () => restore(b) }, t("backup.restore")),
                ),
              ),
            ),
          ),
        ),
  );
}

/** A file or folder chosen in the laptop's own dialog, with the choice shown. */
export function picker(
  ctx: Ctx,
  id: string,
  label: string,
  kind: "folder" | "csv" | "quotas" | "respondents" | "zip" | "pub" | "package" | "online",
  current: string | null,
  chosen: (path: string) => void | Promise<void>,
): HTMLElement {
  const pick = () =>
    ctx.act(async () => {
      const path = await ctx.api.pickPath(kind, label);
      if (path) await chosen(path);
    });
  return h(
    "div",
    { class: "picker" },
    h("span", { class: "picker-label" }, label),
    h(
      "button",
      { id, class: "secondary", type: "button", onclick: pick },
      t(kind === "folder" ? "action.pick_folder" : "action.pick_file"),
    ),
    h("span", { class: current ? "picked" : "picked muted", id: `${id}-chosen` }, current ?? t("action.none_picked")),
  );
}

/** Check a result bundle someone hands over: signature, hashes, audit chain, recount. */
export function verifyCard(ctx: Ctx, tools: ToolScreens): HTMLElement {
  const run = () =>
    ctx.act(async () => {
      if (!tools.picked.bundle) throw { problems: [{ code: "bundle.no_manifest", params: {} }] };
      tools.verified = await ctx.api.verifyBundleFiles(tools.picked.bundle, tools.picked.key);
    });
  const v = tools.verified;
  return h(
    "div",
    { class: "card", id: "verify-card" },
    h("h2", {}, t("home.verify")),
    h("p", { class: "muted" }, t("home.verify_help")),
    h(
      "div",
      { class: "row" },
      picker(ctx, "verify-file", t("home.verify_bundle"), "zip", tools.picked.bundle, (p) => {
        tools.picked.bundle = p;
      }),
      picker(ctx, "verify-key", t("home.verify_key"), "pub", tools.picked.key, (p) => {
        tools.picked.key = p;
      }),
      h("button", { id: "verify-run", onclick: run }, t("home.verify_run")),
    ),
    v
      ? h(
          "div",
          { id: "verify-result", class: v.ok ? "ok" : "bad" },
          h("p", { class: `msg ${v.ok ? "info" : "error"}` }, v.ok ? t("home.verify_ok") : t("home.verify_bad")),
          h(
            "ul",
            {},
            v.passed.map((p) => h("li", { class: "pass" }, "✓ ", problemText(p))),
            v.problems.map((p) => h("li", { class: "fail" }, "✗ ", problemText(p))),
          ),
        )
      : null,
  );
}
