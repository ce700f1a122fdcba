// The team card: who may sign in, with which role; adding people, new PINs,
// taking someone off. The core checks every change again (coordinators only).
import type { Role, RosterMember } from "../common/bindings";
import type { Ctx } from "../common/ctx";
import { field, h } from "../common/dom";
import { t } from "../common/i18n";

/** The roster: the coordinator puts volunteers on it, each with a PIN. */
export async function teamCard(ctx: Ctx): Promise<HTMLElement> {
  const roster = await ctx.api.roster();
  const add = (e: Event) => {
    e.preventDefault();
    ctx.act(async () => {
      const m = await ctx.api.addToRoster(field("team-name"), field("team-role") as Role, field("team-pin"));
      ctx.info(t("team.added", { name: m.name, role: t(`role.${m.role}`) }));
    });
  };
  const newPin = (m: RosterMember) =>
    ctx.act(async () => {
      await ctx.api.setRosterPin(m.id, field(`team-pin-${m.id}`));
      ctx.info(t("team.pin_saved", { name: m.name }));
    });
  return h(
    "div",
    { class: "card", id: "team-card" },
    h("h2", {}, t("team.title")),
    h("p", { class: "muted" }, t("team.explain")),
    h(
      "table",
      { id: "team" },
      h(
        "tbody",
        {},
        roster.map((m) =>
          h(
            "tr",
            { "data-name": m.name, class: m.active ? "" : "off" },
            h("td", {}, m.name),
            h("td", {}, t(`role.${m.role}`), m.active ? "" : ` · ${t("team.off")}`),
            h(
              "td",
              {},
              h("input", {
                id: `team-pin-${m.id}`,
                class: "team-new-pin",
                type: "password",
                inputmode: "numeric",
                autocomplete: "off",
                maxlength: 6,
                size: 9,
                placeholder: t("signin.pin"),
                "aria-label": `${t("team.new_pin")}: ${m.name}`,
              }),
              " ",
              h("button", { class: "secondary team-pin", type: "button", onclick: () => newPin(m) }, t("team.set_pin")),
              " ",
              h(
                "button",
                {
                  class: "secondary team-toggle",
                  type: "button",
                  onclick: () => ctx.act(() => ctx.api.setRosterMember(m.id, m.role, !m.active)),
                },
                m.active ? t("team.take_off") : t("team.put_on"),
              ),
            ),
          ),
        ),
      ),
    ),
    h(
      "form",
      { class: "row", id: "team-form", onsubmit: add },
      h("label", {}, t("team.name"), h("input", { id: "team-name", autocomplete: "off", size: 20 })),
      h(
        "label",
        {},
        t("team.role"),
        h(
          "select",
          { id: "team-role" },
          h("option", { value: "volunteer" }, t("role.volunteer")),
          h("option", { value: "coordinator" }, t("role.coordinator")),
        ),
      ),
      h(
        "label",
        {},
        t("team.pin"),
        h("input", {
          id: "team-pin",
          type: "password",
          inputmode: "numeric",
          autocomplete: "off",
          maxlength: 6,
          size: 8,
        }),
      ),
      h("button", { id: "team-add", type: "submit" }, t("team.add")),
    ),
  );
}
