// The UI's entry: the main window runs the App; the read-only second
// window (`#progress/N`, `#projector/N`) runs one view.
import { App } from "./app/app";
import { startProgressView, startProjectorView } from "./app/views";
import { makeApi, TauriPlatform } from "./common/platform";

const root = document.getElementById("app");
if (root) {
  const api = makeApi(new TauriPlatform());
  const route = /^#(progress|projector)\/(\d+)$/.exec(location.hash);
  const started = !route
    ? new App(api, root).start()
    : route[1] === "projector"
      ? startProjectorView(api, root, Number(route[2]))
      : startProgressView(api, root, Number(route[2]));
  started.catch((e) => {
    root.textContent = String(e);
  });
}
