// Words for codes, in the page's language: a country's name beside its ISO
// code (iso-codes, through GET countries: the same names the labels print)
// and units from the message catalogue (件 / pcs), never the bare code.
import { state, t, api } from "./core.js";

let countries = null; // code -> {name_zh, name_en}, once per page load

export async function loadCountries() {
  if (countries) return countries;
  try {
    const r = await api("GET", "countries");
    countries = new Map(r.countries.map((c) => [c.code, c]));
  } catch (e) {
    return new Map(); // codes alone this time; asked again next time
  }
  return countries;
}

export function countryName(code) {
  const c = countries && code ? countries.get(code) : null;
  if (!c) return "";
  return state.lang === "zh" ? c.name_zh : c.name_en;
}

// "意大利 IT"; several origins "IT/PL" become "意大利/波兰 IT/PL".
export function originText(code) {
  if (!code) return "";
  const names = code.split("/").map(countryName);
  return names.every(Boolean) ? `${names.join("/")} ${code}` : code;
}

export function unitWord(unit) {
  const k = "unit." + unit;
  return k in state.msgs ? state.msgs[k] : unit;
}

export function qtyText(n, unit) {
  return `${n} ${unitWord(unit)}`;
}

// The origin a clerk typed: a two-letter code (jp is JP) or a country's name
// in either language (China, 中国); "" when empty, null when neither. The
// field used to keep two characters of whatever was typed, so "China" went
// in as CH (Switzerland) and "Austria" as AU (Australia), with no word said.
export function originCode(text) {
  const s = text.trim();
  if (!s) return "";
  if (/^[A-Za-z]{2}$/.test(s)) return s.toUpperCase();
  const low = s.toLowerCase();
  const c = countryOptions().find((x) => x.name_en.toLowerCase() === low || x.name_zh === s);
  return c ? c.code : null;
}

export function countryOptions() {
  return countries ? [...countries.values()] : [];
}

export function reasonText(reason) {
  const m = /^origin ([A-Z]{2}) now on shelf (.+)$/.exec(reason || "");
  if (m) return `${t("labels.reason_origin")} ${originText(m[1])} → ${m[2]}`;
  const k = "labels.reason_" + reason;
  return k in state.msgs ? state.msgs[k] : reason;
}
