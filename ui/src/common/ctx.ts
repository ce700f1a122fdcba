// What a method's screens get from the App: the backend, the way to run
// an action (problems shown, screen redrawn), messages, and the role.
import type { Api } from "./platform";

export interface Ctx {
  api: Api;
  /** Run an action, show its problems, redraw. `keepsSelection`: the action
   * changes no selection or plan (a ballot, a verdict, a vote), so the
   * redraw need not read them again. */
  act: (fn: () => Promise<unknown>, opts?: { keepsSelection?: boolean }) => Promise<boolean>;
  /** Say something; `paths` are files Wijkstem wrote, offered to open. */
  info: (text: string, paths?: string[]) => void;
  /** Codes of the problems the last action showed. */
  lastProblems: () => string[];
  /** Whether a coordinator is signed in (the core checks it again). */
  coordinator: boolean;
}
