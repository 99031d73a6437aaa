// 收银: the scan field keeps the focus; a wedge scanner's Enter adds the
// line. The basket lives here until checkout, which is one request (one
// transaction on the server); a refused line is shown red and the basket kept.
import { t, api, el, money, parseMoney, notice } from "./core.js";

let basket = []; // {code, name, origin, price, currency, qty, bad}
let payments = []; // {method, amount} (amount 0: the rest)
let counterId = "C1";

function beep() {
  try {
    const ac = new AudioContext();
    const o = ac.createOscillator();
    o.frequency.value = 220;
    o.connect(ac.destination);
    o.start();
    o.stop(ac.currentTime + 0.25);
  } catch (e) { /* no sound device */ }
}

function total() {
  return basket.reduce((s, l) => s + (l.price || 0) * l.qty, 0);
}

export async function counterPage(view) {
  const scan = el("input.big.scan", { id: "scan", autocomplete: "off", placeholder: t("counter.scan"),
    "aria-label": t("counter.scan"), inputmode: "text", enterkeyhint: "enter" });
  const msg = el("p.notice", { id: "counter-msg", hidden: true, role: "alert" });
  const lines = el("ol.lines", { id: "lines" });
  const sum = el("div.total", { id: "total" });
  const method = el("select", { id: "pay-method" }, ["cash", "card", "wallet"].map((m) =>
    el("option", { value: m }, t("counter." + m))));
  const amount = el("input", { id: "pay-amount", inputmode: "decimal", autocomplete: "off", placeholder: t("counter.amount_in") });
  const payList = el("ul.pays", { id: "pays" });
  const receipt = el("section.card.receipt", { id: "receipt", hidden: true });
  const station = el("input.short", { id: "station", value: counterId, "aria-label": t("counter.station") });
  station.addEventListener("change", () => { counterId = station.value.trim() || "C1"; });

  function draw() {
    lines.replaceChildren(...basket.map((l, i) => el(`li.line${l.bad ? ".bad" : ""}`, { "data-code": l.code },
      el("div.what", {}, el("span.name", {}, l.name), el("span.sub", {}, [l.origin, l.lot].filter(Boolean).join(" · ")),
        l.bad ? el("span.why", {}, l.bad) : null),
      el("div.qty", {},
        el("button.icon", { type: "button", "aria-label": t("counter.minus"), onclick: () => setQty(i, l.qty - 1) }, "−"),
        el("input.qtyin", { value: l.qty, inputmode: "numeric", "aria-label": t("counter.qty"),
          onchange: (e) => setQty(i, parseInt(e.target.value, 10)) }),
        el("button.icon", { type: "button", "aria-label": t("counter.plus"), onclick: () => setQty(i, l.qty + 1) }, "+")),
      el("span.each", {}, `× ${money(l.price, l.currency)}`),
      el("strong.amount", {}, money((l.price || 0) * l.qty, l.currency)),
      el("button.icon.danger", { type: "button", "aria-label": t("counter.remove"),
        onclick: () => { basket.splice(i, 1); draw(); scan.focus(); } }, "×"))));
    if (!basket.length) lines.append(el("li.empty", {}, t("counter.empty")));
    sum.replaceChildren(el("span", {}, t("counter.total")), el("strong", { id: "total-amount" }, money(total(), "CNY")));
    payList.replaceChildren(...payments.map((p, i) => el("li", {},
      `${t("counter." + p.method)} ${p.amount ? money(p.amount, "CNY") : t("counter.rest")}`,
      el("button.icon", { type: "button", "aria-label": t("counter.remove"), onclick: () => { payments.splice(i, 1); draw(); } }, "×"))));
  }
  function setQty(i, q) {
    if (Number.isInteger(q) && q > 0) basket[i].qty = q;
    basket[i].bad = null;
    draw();
    scan.focus();
  }

  async function add(code) {
    notice(msg, "", "");
    try {
      const s = await api("GET", `scan?code=${encodeURIComponent(code)}`);
      const c = s.commodity;
      if (c.problem) throw new Error(c.problem);
      const p = await api("GET", `products/${encodeURIComponent(c.code)}`);
      let origin = p.origin;
      if (s.lot) { // the origin of the lot scanned, where the code names one
        const lv = await api("GET", `stock?by=lot&product=${encodeURIComponent(c.code)}`);
        origin = (lv.levels.find((l) => l.lot === s.lot) || {}).origin || origin;
      }
      const same = basket.find((l) => l.code === code);
      if (same) same.qty += s.count || 1;
      else basket.push({ code, name: c.name, origin, lot: s.lot, price: p.price, currency: p.currency,
        qty: s.count || 1, bad: null });
      notice(msg, "good", `${t("counter.added")}: ${c.name}`);
    } catch (e) {
      notice(msg, "bad", `${t("counter.refused")}: ${e.message}`);
      beep();
    }
    draw();
  }

  function payRow() {
    const txt = amount.value.trim();
    const a = txt ? parseMoney(txt) : 0;
    if (a === null) { notice(msg, "bad", t("counter.bad_amount")); beep(); return null; }
    return { method: method.value, amount: a };
  }

  async function checkout() {
    if (!basket.length) return scan.focus();
    const row = payRow();
    if (!row) return;
    const pays = [...payments];
    if (row.amount || !pays.length) pays.push(row);
    try {
      const r = await api("POST", "sales", { counter: counterId, lines: basket.map((l) => ({ code: l.code, qty: l.qty })),
        payments: pays, columns: 48 });
      const paid = pays.reduce((s, p) => s + p.amount, 0);
      receipt.replaceChildren(el("h2", {}, `${t("counter.receipt")} ${r.receipt}`),
        el("pre", { id: "receipt-text" }, r.receipt_text || ""),
        el("div.row", {},
          el("button", { type: "button", id: "print", onclick: () => window.print() }, t("counter.print")),
          el("button.primary", { type: "button", id: "next", onclick: () => { receipt.hidden = true; scan.focus(); } }, t("counter.next"))));
      receipt.hidden = false;
      const change = pays.every((p) => p.amount > 0) ? paid - r.total : 0;
      notice(msg, "good", `${t("ok")}: ${money(r.total, r.currency)}` +
        (change > 0 ? ` · ${t("counter.change")} ${money(change, r.currency)}` : ""));
      basket = [];
      payments = [];
      amount.value = "";
      draw();
      receipt.scrollIntoView({ block: "start" });
      receipt.querySelector("#next").focus({ preventScroll: true });
    } catch (e) {
      const m = /^lines\[(\d+)\]/.exec(e.field || "");
      if (m && basket[Number(m[1])]) basket[Number(m[1])].bad = e.message;
      notice(msg, "bad", `${t("counter.refused")}: ${e.message}`);
      beep();
      draw();
      scan.focus();
    }
  }

  scan.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      const code = scan.value.trim();
      scan.value = "";
      if (code) add(code); else amount.focus();
    } else if (e.key === "F9") { e.preventDefault(); checkout(); }
  });
  amount.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); checkout(); } });
  // The scan field takes the focus back whenever nothing else that takes
  // typing has it: a scanner's digits never go astray.
  view.addEventListener("click", (e) => {
    if (!e.target.closest("input, select, button, a, pre")) scan.focus();
  });

  const addPay = el("button", { type: "button", id: "pay-add", onclick: () => {
    const row = payRow();
    if (row) { payments.push(row); amount.value = ""; draw(); amount.focus(); }
  } }, t("counter.add_pay"));
  view.append(el("div.counter", {},
    el("section.card.basket", {}, el("div.row", {}, scan, station), msg, lines),
    el("section.card.pay", {}, sum,
      el("h2", {}, t("counter.pay")),
      el("div.row", {}, method, amount), addPay, payList,
      el("button.primary.wide", { type: "button", id: "checkout", onclick: checkout }, `${t("counter.checkout")} (F9)`),
      el("button.ghost.wide", { type: "button", id: "clear", onclick: () => { basket = []; payments = []; draw(); scan.focus(); } }, t("counter.clear"))),
    receipt));
  draw();
  scan.focus();
}
