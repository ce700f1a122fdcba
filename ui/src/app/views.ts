// The read-only second window: the progress of a count, or the panel's
// projector. It reads when the backend says its selection changed (pushed,
// never polled) and never writes; its capability allows nothing else.
import { busy, h } from "../common/dom";
import { lang, problemText, setLang } from "../common/i18n";
import { asFailure, type Api } from "../common/platform";
import { projectorScreen } from "../panel/panel";
import { progressScreen } from "../paper/paper";

/** The projector window: reads the ranking when a write changed this
 * selection (pushed by the backend, never polled) and redraws only when it
 * changed. Read-only. */
export async function startProjectorView(api: Api, root: HTMLElement, selectionId: number): Promise<() => void> {
  const saved = localStorage.getItem("wijkstem.lang");
  if (saved === "en" || saved === "nl") setLang(saved);
  document.body.classList.add("view-window", "projector-window");
  let last = "";
  const draw = async () => {
    try {
      const v = await api.projector(selectionId, lang());
      const key = JSON.stringify(v);
      if (key !== last) {
        last = key;
        root.replaceChildren(projectorScreen(v));
      }
    } catch (e) {
      root.replaceChildren(
        h(
          "div",
          { class: "msg error" },
          asFailure(e)
            .problems.map((p) => problemText(p))
            .join(" "),
        ),
      );
    }
  };
  return redrawOnChange(api, selectionId, draw);
}

/** The second-screen window: reads the progress when a write changed this
 * selection (pushed by the backend, never polled), never writes. */
export async function startProgressView(api: Api, root: HTMLElement, selectionId: number): Promise<() => void> {
  const saved = localStorage.getItem("wijkstem.lang");
  if (saved === "en" || saved === "nl") setLang(saved);
  document.body.classList.add("view-window");
  const draw = async () => {
    busy(1);
    try {
      root.replaceChildren(progressScreen(await api.progress(selectionId, lang())));
    } catch (e) {
      root.replaceChildren(
        h(
          "div",
          { class: "msg error" },
          asFailure(e)
            .problems.map((p) => problemText(p))
            .join(" "),
        ),
      );
    } finally {
      busy(-1);
    }
  };
  return redrawOnChange(api, selectionId, draw);
}

/** Draw now and again after every change to the selection, one draw at a
 * time (changes that come in during a draw give one more draw). */
async function redrawOnChange(api: Api, selectionId: number, draw: () => Promise<void>): Promise<() => void> {
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    do {
      again = false;
      await draw();
    } while (again);
    running = false;
  };
  const stop = await api.onChanged(selectionId, () => void run());
  await run();
  return stop;
}
