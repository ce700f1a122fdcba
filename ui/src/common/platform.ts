// The one place the UI talks to the backend. Everything else imports `api`,
// so tests can swap in a mock platform without a Tauri window. The calls
// themselves are generated from the shell's commands (`commands.ts`).
import { makeApi as makeCalls, type Platform } from "./commands";
export type { Platform } from "./commands";
import type { BackupStatus, Changed, Failure } from "./bindings";

export class TauriPlatform implements Platform {
  async call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    const { invoke } = await import("@tauri-apps/api/core");
    return invoke<T>(command, args);
  }
  async listen<T>(event: string, handler: (payload: T) => void): Promise<() => void> {
    const { listen } = await import("@tauri-apps/api/event");
    return listen<T>(event, (e) => handler(e.payload));
  }
}

/** The events the backend pushes (named in src-tauri/src/shell.rs). */
export const EVENTS = {
  /** After every committed write, with what changed (`Changed[]`). */
  changed: "wijkstem://changed",
  /** After each automatic backup check, with the backup state (`BackupStatus`). */
  backup: "wijkstem://backup",
} as const;

/** Call `redraw` whenever a write changes `selectionId` (or anything, for null). */
export function onChange(p: Platform, selectionId: number | null, redraw: () => void): Promise<() => void> {
  return p.listen<Changed[]>(EVENTS.changed, (changes) => {
    if (selectionId === null || changes.some((c) => c.selection_id === selectionId || c.selection_id === null))
      redraw();
  });
}

/** A rejected call carries a Failure; anything else is wrapped as one. */
export function asFailure(e: unknown): Failure {
  if (e && typeof e === "object" && Array.isArray((e as Failure).problems)) return e as Failure;
  return { problems: [{ code: "store.sql", params: { detail: String(e) } }] };
}

/** The typed calls (generated) and the events the backend pushes. */
export function makeApi(p: Platform) {
  return {
    ...makeCalls(p),
    /** Redraw when a write changed this selection (or the app's own state). */
    onChanged: (selectionId: number | null, redraw: () => void) => onChange(p, selectionId, redraw),
    /** The backup state after each automatic backup check. */
    onBackup: (handler: (status: BackupStatus) => void) => p.listen<BackupStatus>(EVENTS.backup, handler),
  };
}

export type Api = ReturnType<typeof makeApi>;
