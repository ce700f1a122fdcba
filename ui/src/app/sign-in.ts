import type { SignInScreen, SignedIn } from "../common/bindings";
import { field, h } from "../common/dom";
import { t } from "../common/i18n";
import type { Api } from "../common/platform";

/** What the sign-in form needs from the App. */
export type SignInDeps = {
  api: Api;
  act: (fn: () => Promise<unknown>) => Promise<boolean>;
  /** Who was signed in when the app stopped unexpectedly: chosen first. */
  recovered: string | null;
  enter: (who: SignedIn) => void;
};

/** The sign-in card; on a laptop without a roster, the card that sets up
 * its first coordinator. */
export function signInForm(screen: SignInScreen, deps: SignInDeps): HTMLElement {
  const pinInput = (id: string, autofocus = false) =>
    h("input", { id, type: "password", inputmode: "numeric", autocomplete: "off", maxlength: 6, size: 8, autofocus });
  if (screen.roster.length === 0) {
    // A laptop without a roster: whoever sets it up becomes its first coordinator.
    const setUp = (e: Event) => {
      e.preventDefault();
      deps.act(async () => {
        if (field("setup-pin") !== field("setup-pin-repeat"))
          throw { problems: [{ code: "roster.pin_mismatch", params: {} }] };
        deps.enter(await deps.api.setUpRoster(field("setup-name"), field("setup-pin")));
      });
    };
    return h(
      "form",
      { class: "card signin", id: "setup-form", onsubmit: setUp },
      h("h2", {}, t("signin.setup_title")),
      h("p", { class: "muted" }, t("signin.setup_explain")),
      h("label", {}, t("signin.name"), h("input", { id: "setup-name", autocomplete: "off", autofocus: true })),
      h(
        "div",
        { class: "row" },
        h("label", {}, t("team.pin"), pinInput("setup-pin")),
        h("label", {}, t("signin.pin_repeat"), pinInput("setup-pin-repeat")),
      ),
      h("p", {}, h("button", { id: "setup-submit", type: "submit" }, t("signin.setup_button"))),
    );
  }
  const submit = (e: Event) => {
    e.preventDefault();
    deps.act(async () => deps.enter(await deps.api.signIn(field("operator-name"), field("operator-pin"))));
  };
  const recovered = deps.recovered;
  return h(
    "form",
    { class: "card signin", id: "signin-form", onsubmit: submit },
    h("h2", {}, t("signin.title")),
    h("p", { class: "muted" }, t("signin.explain")),
    h(
      "label",
      {},
      t("signin.pick"),
      h(
        "select",
        { id: "operator-name" },
        screen.roster.map((m) =>
          h(
            "option",
            { value: m.name, selected: m.name === recovered },
            t("signin.role", { name: m.name, role: t(`role.${m.role}`) }),
          ),
        ),
      ),
    ),
    h("label", {}, t("signin.pin"), pinInput("operator-pin", true)),
    h("p", {}, h("button", { id: "sign-in", type: "submit" }, t("signin.button"))),
    screen.demo.length
      ? h(
          "div",
          { class: "demo-pins", id: "demo-pins" },
          h("h3", {}, t("signin.demo_title")),
          h(
            "table",
            {},
            h(
              "tbody",
              {},
              screen.demo.map((d) =>
                h(
                  "tr",
                  { "data-name": d.name },
                  h("td", {}, d.name),
                  h("td", {}, t(`role.${d.role}`)),
                  h("td", { class: "code pin" }, d.pin),
                ),
              ),
            ),
          ),
        )
      : null,
  );
}
