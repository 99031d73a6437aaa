// The shell: login, the pages each role may see, the language switch.
import { state, t, loadLang, api, el, may, notice, said, loadMoney } from "./core.js";
import { stockPage } from "./stock.js";
import { counterPage } from "./counter.js";
import { receivePage } from "./receive.js";
import { countsPage } from "./counts.js";
import { journalPage } from "./journal.js";
import { reportsPage } from "./reports.js";
import { usersPage } from "./users.js";
import { labelsPage } from "./labels.js";
import { catalogPage } from "./catalog.js";
import { purchasePage, buyReceivePage } from "./purchase.js";
import { hqPage } from "./hq.js";

const PAGES = [ // in the order of the navigation; right null: every user
  { id: "stock", right: null, show: stockPage },
  { id: "counter", right: "sell", show: counterPage },
  { id: "receive", right: "stock", show: receivePage },
  { id: "counts", right: "stock", show: countsPage },
  { id: "reports", right: "read", show: reportsPage },
  { id: "journal", right: "read", show: journalPage },
  // labels and the catalogue (branch webp)
  { id: "labels", right: "labels", show: labelsPage },
  { id: "catalog", right: "catalog", show: catalogPage },
  { id: "users", right: "users", show: usersPage },
  // purchasing (branch buy): the manager's page, the clerk's receipt against an order
  { id: "purchase", right: "catalog", show: purchasePage },
  { id: "buyrcv", right: "stock", show: buyReceivePage },
  // head office's views of the chain (serve --hq-read; the page says so when not linked)
  { id: "hq", right: "read", show: hqPage },
];
const view = document.getElementById("view");

function allowed() {
  return PAGES.filter((p) => p.right === null || may(p.right));
}

function drawHeader() {
  document.getElementById("brand").textContent = t("app");
  document.getElementById("lang").textContent = t("lang.other");
  const out = document.getElementById("logout");
  out.textContent = t("logout");
  out.hidden = !state.me;
  const who = document.getElementById("who");
  who.textContent = state.me ? `${state.me.display || state.me.user} · ${t("role." + state.me.role)}` : "";
  const nav = document.getElementById("nav");
  const cur = current();
  nav.replaceChildren(...(state.me ? allowed() : []).map((p) =>
    el("a", { href: "#/" + p.id, id: "nav-" + p.id, "aria-current": p.id === cur ? "page" : null }, t("nav." + p.id))));
  currentTabInView();
}

// On a phone the navigation scrolls sideways: the current page's tab is
// brought into view (also when the window changes size).
function currentTabInView() {
  const nav = document.getElementById("nav");
  const on = nav && nav.querySelector('[aria-current="page"]');
  if (!on || nav.scrollWidth <= nav.clientWidth) return;
  const x = on.getBoundingClientRect().left - nav.getBoundingClientRect().left + nav.scrollLeft;
  nav.scrollLeft = x - (nav.clientWidth - on.offsetWidth) / 2;
}
window.addEventListener("resize", currentTabInView);

function current() {
  return (location.hash.replace(/^#\//, "").split("/")[0]) || "";
}

function loginPage() {
  const name = el("input", { id: "login-name", autocomplete: "username", required: true, autocapitalize: "off" });
  const pw = el("input", { id: "login-password", type: "password", autocomplete: "current-password", required: true });
  const msg = el("p.notice", { id: "login-msg", hidden: true, role: "alert" });
  const form = el("form.card.login", { id: "login-form" },
    el("h1", {}, t("login.title")),
    el("label.field", {}, el("span", {}, t("login.name")), name),
    el("label.field", {}, el("span", {}, t("login.password")), pw),
    msg,
    el("button.primary", { type: "submit", id: "login-submit" }, t("login.submit")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const me = await api("POST", "login", { name: name.value, password: pw.value });
      state.me = me;
      state.csrf = me.csrf;
      // a new hash routes by itself (hashchange): routing here too drew the first page twice
      const first = "#/" + allowed()[0].id;
      if (location.hash === first) route();
      else location.hash = first;
    } catch (e) {
      notice(msg, "bad", `${t("login.failed")}: ${said(e)}`);
      pw.select();
    }
  });
  view.replaceChildren(form);
  name.focus();
}

async function route() {
  drawHeader();
  if (!state.me) return loginPage();
  const id = current();
  const page = allowed().find((p) => p.id === id);
  if (!page) {
    location.replace("#/" + allowed()[0].id);
    return;
  }
  const parts = location.hash.replace(/^#\//, "").split("/").slice(1).map(decodeURIComponent);
  // Each page is drawn into a box of its own: a page still waiting for the
  // server when another was asked for (two taps in a row) draws into its box
  // off the screen, instead of beside the new one.
  const box = el("div.page");
  view.replaceChildren(box);
  // the store's currency and zone and every currency's decimals, once,
  // before any amount is drawn (an amount in JPY has none, in KWD three)
  try {
    await loadMoney();
  } catch (e) { /* asked again on the next page; the page's own requests say what is wrong */ }
  await page.show(box, parts);
}

async function start() {
  let lang = "zh";
  try { lang = localStorage.getItem("ent.lang") === "en" ? "en" : "zh"; } catch (e) { /* private mode */ }
  await loadLang(lang);
  try {
    state.me = await api("GET", "me");
    state.csrf = state.me.csrf;
  } catch (e) {
    state.me = null;
  }
  document.getElementById("lang").addEventListener("click", async () => {
    await loadLang(state.lang === "zh" ? "en" : "zh");
    route();
  });
  document.getElementById("logout").addEventListener("click", async () => {
    try { await api("POST", "logout"); } catch (e) { /* gone already */ }
    state.me = null;
    state.csrf = null;
    location.hash = "";
    route();
  });
  window.addEventListener("ent-logged-out", () => { state.me = null; route(); });
  window.addEventListener("hashchange", route);
  route();
}
start();
