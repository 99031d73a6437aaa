// 账本 the signed sales journal: the verify result, the closings, today's Z
// closing (for those with the approve right), the export as a download.
import { t, api, el, table, money, may, notice, said, store, localTime } from "./core.js";

// "day:2026-12-01" -> "日结 Z 2026-12-01"
function period(p) {
  const [kind, ...rest] = String(p).split(":");
  return ["day", "month", "year"].includes(kind) ? `${t("journal." + kind)} ${rest.join(":")}` : p;
}

export async function journalPage(view) {
  const msg = el("p.notice", { id: "journal-msg", hidden: true, role: "alert" });
  const verify = el("section.card", { id: "journal-verify" });
  const list = el("section.card", { id: "journal-closings" });

  async function load() {
    const [v, c, shop] = await Promise.all([api("GET", "journal/verify"), api("GET", "journal/closings?limit=60"),
      store()]);
    // in the store's zone, as the closing printed by the CLI: a day's closing ends at its midnight
    const when = (ts) => localTime(ts, shop.time_zone);
    verify.replaceChildren(el("h2", {}, t("journal.verify")),
      el(`p.notice.${v.ok ? "good" : "bad"}`, { id: "journal-ok" }, v.ok ? t("journal.ok") : t("journal.bad")),
      el("div.facts", {},
        el("div", {}, el("span.k", {}, t("journal.records")), el("span.v", {}, v.records)),
        el("div", {}, el("span.k", {}, t("journal.closings")), el("span.v", {}, v.closings)),
        el("div", {}, el("span.k", {}, t("journal.grand")), el("span.v", {}, money(v.grand_total, shop.currency))),
        el("div", {}, el("span.k", {}, t("journal.head")), el("span.v.mono", {}, (v.head || "").slice(0, 16)))),
      Array.isArray(v.issues) && v.issues.length ? el("ul.issues", {}, v.issues.filter((i) => i && typeof i === "object")
        .map((i) => el("li", {}, `#${i.seq} ${i.reason}`))) : "");
    list.replaceChildren(el("h2", {}, t("journal.closings")),
      c.closings.length ? table([t("journal.seq"), t("journal.period"), t("journal.end"), t("journal.time"),
        t("counter.total"), t("journal.grand")], c.closings.map((z) => el("tr", {},
        el("td.num", {}, z.seq), el("td", {}, period(z.period)), el("td", {}, when(z.period_end)),
        el("td", {}, when(z.time)), el("td.num", {}, money(z.total, z.currency)),
        el("td.num", {}, money(z.grand_total, z.currency)))))
        : el("p.muted", {}, t("reports.none")));
  }
  const actions = el("div.row", {},
    el("a.button", { href: "/api/v1/journal/export", download: "journal.json", id: "journal-export" }, t("journal.export")));
  if (may("approve")) {
    actions.prepend(el("button.primary", { type: "button", id: "journal-close", onclick: async () => {
      try {
        const z = await api("POST", "journal/close", { period: "day" });
        notice(msg, "good", `${t("journal.closed")} ${period(z.period)}: ${money(z.total, z.currency)}`);
        await load();
      } catch (e) {
        notice(msg, "bad", said(e));
      }
    } }, t("journal.close")));
  }
  view.append(el("h1", {}, t("nav.journal")), actions, msg, verify, list);
  await load();
}
