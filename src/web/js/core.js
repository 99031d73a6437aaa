// The app's core: the message catalogue, the API client (session cookie +
// X-CSRF-Token on writes), DOM building that only ever sets text, money.
const state = { lang: "zh", msgs: {}, me: null, csrf: null };
export { state };

const RIGHTS = { // mirrors the role x right table (src/lib/user.c); the server decides
  cashier: ["sell", "return"],
  supervisor: ["sell", "return", "approve", "read"],
  "stock-clerk": ["stock"],
  "label-clerk": ["labels"],
  manager: ["sell", "return", "approve", "stock", "labels", "catalog", "users", "settings", "read"],
  auditor: ["read"],
};
export function may(right) {
  return !!state.me && (RIGHTS[state.me.role] || []).includes(right);
}

export async function loadLang(lang) {
  const r = await fetch(`i18n/${lang}.json`);
  state.msgs = await r.json();
  state.lang = lang;
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  try { localStorage.setItem("ent.lang", lang); } catch (e) { /* private mode */ }
}
export function t(key) {
  return key in state.msgs ? state.msgs[key] : key;
}

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || "";
    this.field = e.field || null;
    this.facts = e.facts || {}; // a refusal's values (lot, expiry, on_hand...) for the catalogue's words
  }
}

// The words a page shows for a failure: for a refusal of the API, the
// catalogue's words for its code (err.code.*) in the page's language, the
// server's own message after them as the detail; other errors as they are.
// The counter words its refusals itself (counter.js, refusal()).
export function said(e) {
  if (!(e instanceof ApiError) || e.status === 0) return e.message;
  const k = `err.code.${e.code}`;
  const sep = state.lang === "zh" ? "：" : ": ";
  return k in state.msgs ? `${state.msgs[k]}${sep}${e.message}` : e.message;
}

export async function api(method, path, body) {
  const h = {};
  if (body !== undefined) h["Content-Type"] = "application/json";
  if (method !== "GET" && state.csrf) h["X-CSRF-Token"] = state.csrf;
  let r;
  try {
    r = await fetch("/api/v1/" + path, {
      method, headers: h, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, { error: { message: t("err.network") } });
  }
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!r.ok) {
    if (r.status === 401 && path !== "login") window.dispatchEvent(new Event("ent-logged-out"));
    throw new ApiError(r.status, data);
  }
  return data;
}

// el("div.card", {onclick: f, type: "x"}, child...) — children are nodes or
// strings, and strings become text nodes: data never becomes markup.
export function el(spec, attrs, ...kids) {
  const [tag, ...classes] = spec.split(".");
  const n = document.createElement(tag || "div");
  if (classes.length) n.className = classes.join(" ");
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
    else if (k === "text") n.textContent = v;
    else n.setAttribute(k, v === true ? "" : v);
  }
  for (const c of kids.flat()) {
    if (c === null || c === undefined || c === false) continue;
    n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return n;
}

const SVG = "http://www.w3.org/2000/svg";
export function svg(tag, attrs, ...kids) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v);
  for (const c of kids.flat()) n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return n;
}

// Money. Each currency's minor unit (0 for JPY, 2 for CNY, 3 for KWD) comes
// from the server (GET currencies: the library's ISO 4217 table, the one the
// CLI formats with), read once with the store before any page is drawn
// (loadMoney, app.js): one table, not a second copy here that could drift.
const minorUnits = new Map();
let shop = null; // the store, once loadMoney has read it
export async function loadMoney() {
  if (minorUnits.size && shop) return;
  const [s, c] = await Promise.all([store(), api("GET", "currencies")]);
  for (const x of c.currencies) minorUnits.set(x.code, x.digits);
  shop = s;
}
// The store's currency (CNY until the store is read).
export function storeCurrency() {
  return (shop && shop.currency) || "CNY";
}
// A currency's minor-unit digits; 2 for a code the table does not hold.
export function digitsOf(currency) {
  const d = minorUnits.get(currency || storeCurrency());
  return d === undefined ? 2 : d;
}
// Minor units as text, by integer arithmetic, with the currency's own
// decimals: 1250 CNY "¥12.50", 1250 EUR "12.50 EUR", 1200 JPY "1200 JPY",
// 12500 KWD "12.500 KWD" (the CLI's "12.50 EUR"; the yuan as a Chinese store
// reads it). No currency: the store's.
export function money(minor, currency) {
  if (minor === null || minor === undefined) return t("stock.unpriced");
  const cur = currency || storeCurrency(), d = digitsOf(cur), unit = 10 ** d;
  const neg = minor < 0, a = Math.abs(minor);
  const whole = Math.floor(a / unit), frac = a % unit;
  const s = `${neg ? "-" : ""}${whole}${d ? "." + String(frac).padStart(d, "0") : ""}`;
  return cur === "CNY" ? `¥${s}` : `${s} ${cur}`;
}
// The store (code, name, currency, time zone), read once: the pages show
// times in the store's zone, as the CLI, the receipts and the closings do.
let storeRead = null;
export function store() {
  if (!storeRead) storeRead = api("GET", "store").catch((e) => { storeRead = null; throw e; });
  return storeRead;
}
// "2026-11-30T16:00:00Z" -> "2026-12-01 00:00" in the zone (an IANA name);
// the text as it came when it is no time.
export function localTime(ts, zone) {
  const d = new Date(ts);
  if (!ts || Number.isNaN(d.getTime())) return String(ts || "");
  const f = new Intl.DateTimeFormat("en-GB", { timeZone: zone || "UTC", year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
// A typed amount in minor units of the currency, by the library's rules
// (ent_money_parse): digits and one decimal point, no more fraction digits
// than the currency has, no comma (12,50 is 12.50 in much of the world and
// 1250 in the rest). {value} or {error}: the refusal in the CLI's words,
// which the caller leads with the field's name (moneyRefusal). No floats on
// the way: the text's digits are put together as integers.
export function parseMoney(text, currency) {
  const cur = currency || storeCurrency(), d = digitsOf(cur);
  const s = String(text ?? "").trim();
  const say = (key, vars) => ({ value: null, error: fill(t(key), { text: clip(s), currency: cur, digits: d, ...vars }) });
  if (s.includes(",")) {
    const m = /^(-?\d+),(\d+)$/.exec(s);
    return m ? say("money.comma_point", { hint: `${m[1]}.${m[2]}` }) : say("money.comma");
  }
  if (s.startsWith("-") && /^-\d*\.?\d*$/.test(s) && /\d/.test(s)) return say("money.negative");
  const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || !/\d/.test(s)) return say("money.not_number");
  const frac = m[2] || "";
  if (frac.length > d) return say(d ? "money.fraction" : "money.no_fraction");
  const digits = (m[1] + frac.padEnd(d, "0")).replace(/^0+(?=\d)/, "");
  if (digits.length > 15 && BigInt(digits) > BigInt(Number.MAX_SAFE_INTEGER)) {
    return say("money.large", { most: money(Number.MAX_SAFE_INTEGER, cur).replace(/^¥| [A-Z]{3}$/g, "") });
  }
  return { value: Number(digits), error: null };
}
// "Price: amount '12,50' has a comma: use a point: 12.50"
export function moneyRefusal(label, error) {
  return `${label}${state.lang === "zh" ? "：" : ": "}${error}`;
}
function fill(words, vars) {
  return words.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}
// The typed text as the library quotes it: 40 characters at most.
function clip(s) {
  const cs = [...s];
  return cs.length > 40 ? cs.slice(0, 40).join("") + "…" : s;
}

export function field(label, input) {
  return el("label.field", {}, el("span", {}, label), input);
}
export function table(heads, rows) {
  return el("div.scroll", {}, el("table", {},
    el("thead", {}, el("tr", {}, heads.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows)));
}
export function notice(node, kind, text) {
  node.className = `notice ${kind}`;
  node.textContent = text;
  node.hidden = !text;
}
export function csvDownload(name, heads, rows) {
  const q = (v) => `"${String(v ?? "").replaceAll('"', '""')}"`;
  const text = [heads, ...rows].map((r) => r.map(q).join(",")).join("\r\n");
  const url = URL.createObjectURL(new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
