// 用户: the manager's list of users (add, retire) and device tokens (issue,
// shown once; revoke).
import { t, api, el, field, table, notice, said } from "./core.js";

const ROLES = ["cashier", "supervisor", "stock-clerk", "label-clerk", "manager", "auditor"];

export async function usersPage(view) {
  const msg = el("p.notice", { id: "users-msg", hidden: true, role: "alert" });
  const list = el("div", { id: "users-list" });
  const toks = el("div", { id: "tokens-list" });
  const name = el("input", { id: "user-name", autocomplete: "off", required: true, autocapitalize: "off" });
  const display = el("input", { id: "user-display", autocomplete: "off" });
  const role = el("select", { id: "user-role" }, ROLES.map((r) => el("option", { value: r }, t("role." + r))));
  const pw = el("input", { id: "user-password", type: "password", autocomplete: "new-password", required: true });
  const form = el("form.card.grid", { id: "user-form" }, el("h2.span", {}, t("users.add")),
    field(t("users.name"), name), field(t("users.display"), display), field(t("users.role"), role),
    field(t("users.password"), pw), el("button.primary.span", { type: "submit", id: "user-add" }, t("users.add")));
  const tUser = el("input", { id: "token-user", autocomplete: "off", required: true });
  const tDev = el("input", { id: "token-device", autocomplete: "off", required: true });
  const secret = el("p.notice", { id: "token-secret", hidden: true });
  const tform = el("form.card.grid", { id: "token-form" }, el("h2.span", {}, t("users.tokens")),
    field(t("users.name"), tUser), field(t("users.device"), tDev),
    el("button.span", { type: "submit" }, t("users.token_add")), secret, toks);

  async function load() {
    const [u, k] = await Promise.all([api("GET", "users"), api("GET", "tokens")]);
    list.replaceChildren(el("section.card", {}, el("h1", {}, t("users.title")),
      table([t("users.name"), t("users.display"), t("users.role"), t("users.active"), ""], u.users.map((x) => el("tr", {},
        el("td", {}, x.name), el("td", {}, x.display), el("td", {}, t("role." + x.role)),
        el("td", {}, x.retired ? t("users.no") : t("users.yes")),
        el("td", {}, x.retired ? "" : el("button.small", { type: "button", onclick: () => act(() =>
          api("DELETE", `users/${encodeURIComponent(x.name)}`), t("users.retired")) }, t("users.retire"))))))));
    toks.replaceChildren(table(["#", t("users.name"), t("users.device"), ""], k.tokens.map((x) => el("tr", {},
      el("td", {}, x.id), el("td", {}, x.user), el("td", {}, x.device),
      el("td", {}, el("button.small", { type: "button", onclick: () => act(() => api("DELETE", `tokens/${x.id}`), t("ok")) },
        t("users.revoke")))))));
  }
  async function act(fn, done) {
    try {
      const r = await fn();
      notice(msg, "good", done);
      await load();
      return r;
    } catch (e) {
      notice(msg, "bad", said(e));
      return null;
    }
  }
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { name: name.value.trim(), role: role.value, password: pw.value };
    if (display.value.trim()) body.display = display.value.trim();
    if (await act(() => api("POST", "users", body), `${t("users.added")}: ${body.name}`)) form.reset();
  });
  tform.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await act(() => api("POST", "tokens", { user: tUser.value.trim(), device: tDev.value.trim() }), t("ok"));
    if (r) notice(secret, "good", `${t("users.token_once")} ${r.secret}`);
  });
  view.append(msg, list, el("div.two", {}, form, tform));
  await load();
}
