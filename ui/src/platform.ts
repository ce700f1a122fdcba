// The one place the UI talks to the backend. Everything else imports `api`,
// so tests can swap in a mock platform without a Tauri window. The calls
// themselves are generated from the shell's commands (`commands.ts`).
import type { Platform } from "./commands";
export type { Platform } from "./commands";
import type { Failure } from "./bindings";

export class TauriPlatform implements Platform {
  async call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    const { invoke } = await import("@tauri-apps/api/core");
    return invoke<T>(command, args);
  }
}

/** A rejected call carries a Failure; anything else is wrapped as one. */
export function asFailure(e: unknown): Failure {
  if (e && typeof e === "object" && Array.isArray((e as Failure).problems)) return e as Failure;
  return { problems: [{ code: "store.sql", params: { detail: String(e) } }] };
}

export { makeApi, type Api } from "./commands";
