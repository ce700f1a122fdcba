// Offline stemmen screens: ballot style and printing, fast entry, the count.
// The screens are in `setup.ts`, `entry.ts` and `tally.ts`; the state they
// share between draws is here.
import type { Ctx } from "../common/ctx";

export { setupTab } from "./setup";
export { currentBox, entryTab, serialOf } from "./entry";
export { progressScreen, tallyTab } from "./tally";

/** What the paper-ballot screens remember between draws (one per App). */
export type PaperCtx = Ctx & { paper: PaperScreens };

export class PaperScreens {
  /** Ballots per page offered in the print form (one after two did not fit). */
  perPage = 2;
  /** The last receipts per selection, newest first, shown under the entry form
   * (with the scanned text, so an undone ballot is entered again without a rescan). */
  receipts = new Map<number, { text: string; scan: string }[]>();
  /** An unsaved ballot to put back in the entry form (after a pause or an undo). */
  resumeDraft: string | null = null;
  /** The word of the marks that was not understood at the last refusal. */
  refusedToken: string | null = null;
  /** The ballot whose save was refused, kept to correct. */
  refused: Draft | null = null;
}

export interface Draft {
  scan: string;
  marks: string;
  doubtful: boolean;
  reason: string;
}
