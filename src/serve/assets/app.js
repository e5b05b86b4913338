// matome serve: the pages. Every value from a dataset or a plan reaches the page as
// text (textContent, SVG text nodes, attribute values set by setAttribute), never as
// markup, so a facility named <script>… is shown as those characters. No request
// leaves 127.0.0.1: everything comes from this server's /api.
"use strict";

const TOKEN = document.querySelector('meta[name="matome-token"]').content;
const S = {
  lang: localStorage.getItem("matome.lang") || "ja",
  dataset: localStorage.getItem("matome.dataset") || "",
  scenarioToml: localStorage.getItem("matome.scenarioToml") || "",
  scenarioName: localStorage.getItem("matome.scenarioName") || "",
  fields: [],
  defaults: null,
  source: null, // the EventSource of the Run page
};

// ---------------------------------------------------------------- helpers
function T(ja, en) { return S.lang === "ja" ? ja : en; }
function el(tag, attrs, ...kids) {
  const svg = ["svg", "g", "circle", "rect", "path", "polygon", "polyline", "line", "text", "title"].includes(tag);
  const e = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "on") { for (const [ev, f] of Object.entries(v)) e.addEventListener(ev, f); }
    else if (k === "class") e.setAttribute("class", v);
    else if (k === "value" && !svg) e.value = v;
    else if (k === "checked" && !svg) e.checked = !!v;
    else e.setAttribute(k, String(v));
  }
  for (const k of kids.flat(Infinity)) {
    if (k === null || k === undefined || k === false) continue;
    e.appendChild(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}
function bi(ja, en) { return T(ja, en); }
function toast(msg) {
  const t = document.getElementById("toast");
  t.textContent = msg; t.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { t.hidden = true; }, 8000);
}
async function api(method, url, body, raw) {
  const opt = { method, headers: { "x-matome-token": TOKEN } };
  if (raw !== undefined) { opt.body = raw; opt.headers["content-type"] = "application/octet-stream"; }
  else if (body !== undefined) { opt.body = JSON.stringify(body); opt.headers["content-type"] = "application/json"; }
  const r = await fetch(url, opt);
  const text = await r.text();
  let j = null;
  try { j = text ? JSON.parse(text) : null; } catch (_) { j = null; }
  if (!r.ok) throw new Error((j && j.error) || text || r.statusText);
  return j;
}
async function fetchText(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(await r.text());
  return r.text();
}
const nf = new Intl.NumberFormat("ja-JP");
function num(v, d) {
  if (v === null || v === undefined || v === "" || Number.isNaN(Number(v))) return "—";
  const x = Number(v);
  return d ? x.toLocaleString("ja-JP", { minimumFractionDigits: d, maximumFractionDigits: d }) : nf.format(Math.round(x));
}
function yen(v) { return v === null || v === undefined ? "—" : "¥" + num(v); }
function pct(g) { return g === null || g === undefined ? "—" : (100 * g).toFixed(2) + " %"; }
// Yen in the words a ward uses: 5千万円, 1.5億円, 3,300万円.
function yenWords(v) {
  const x = Number(v);
  if (!Number.isFinite(x)) return String(v);
  if (S.lang !== "ja") return x >= 1e6 ? "¥" + (x / 1e6).toLocaleString("en") + "M" : "¥" + nf.format(x);
  if (x >= 1e8) return (x / 1e8).toLocaleString("ja-JP", { maximumFractionDigits: 2 }) + "億円";
  if (x >= 1e4) {
    const man = x / 1e4;
    if (man % 1000 === 0) return man / 1000 + "千万円";
    return nf.format(man) + "万円";
  }
  return nf.format(x) + "円";
}
function qs() {
  const h = location.hash.slice(1);
  const i = h.indexOf("?");
  const page = (i < 0 ? h : h.slice(0, i)) || "data";
  const params = new URLSearchParams(i < 0 ? "" : h.slice(i + 1));
  return { page, params };
}
function parseCsv(text) {
  text = text.replace(/^\uFEFF/, "");
  const rows = []; let row = []; let cell = ""; let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"') { if (text[i + 1] === '"') { cell += '"'; i++; } else q = false; }
      else cell += c;
    } else if (c === '"') q = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell); rows.push(row); row = []; cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
  const header = rows.shift() || [];
  return rows.filter(r => r.length > 1 || r[0] !== "").map(r => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}
function download(name, text, type) {
  const a = el("a", { href: URL.createObjectURL(new Blob([text], { type: type || "text/plain" })), download: name });
  document.body.appendChild(a); a.click(); a.remove();
}
function colour(i) { return `hsl(${((i * 137.508) % 360).toFixed(0)},65%,42%)`; }
function pill(status) {
  const words = { queued: ["待機中", "queued"], running: ["実行中", "running"], done: ["完了", "done"], failed: ["失敗", "failed"], cancelled: ["取消", "cancelled"], interrupted: ["中断", "interrupted"] };
  const w = words[status] || [status, status];
  return el("span", { class: "pill " + status }, T(w[0], w[1]));
}
// A table whose columns sort on a click; cols: [{key, ja, en, num, fmt}].
function sortableTable(rows, cols, opts) {
  opts = opts || {};
  let sortKey = opts.sortKey || null, asc = true;
  const wrap = el("div", { class: "scroll" });
  function draw() {
    const sorted = rows.slice();
    if (sortKey) {
      const c = cols.find(c => c.key === sortKey);
      sorted.sort((a, b) => {
        const x = a[sortKey], y = b[sortKey];
        const r = c.num ? (Number(x) - Number(y)) : String(x).localeCompare(String(y), "ja");
        return asc ? r : -r;
      });
    }
    const head = el("tr", {}, cols.map(c => el("th", {
      class: "sortable" + (c.num ? " num" : ""),
      on: { click: () => { if (sortKey === c.key) asc = !asc; else { sortKey = c.key; asc = true; } draw(); } },
    }, T(c.ja, c.en))));
    const body = sorted.map(r => el("tr", {
      class: (opts.onRow ? "clickable" : "") + (opts.selected && opts.selected(r) ? " sel" : ""),
      on: opts.onRow ? { click: () => { opts.onRow(r); draw(); } } : {},
    }, cols.map(c => el("td", { class: c.num ? "num" : "" }, c.fmt ? c.fmt(r[c.key], r) : r[c.key]))));
    wrap.replaceChildren(el("table", { class: opts.class || "" }, el("thead", {}, head), el("tbody", {}, body)));
  }
  draw();
  return wrap;
}

// ---------------------------------------------------------------- layout
function setContext() {
  const c = document.getElementById("context");
  c.replaceChildren(
    T("データ: ", "dataset: "), el("b", {}, S.dataset || "—"), "  ",
    T("シナリオ: ", "scenario: "), el("b", {}, S.scenarioName || T("基本(baseline)", "baseline")));
}
function applyLang() {
  document.documentElement.lang = S.lang;
  for (const e of document.querySelectorAll("[data-ja]")) e.textContent = S.lang === "ja" ? e.dataset.ja : e.dataset.en;
  document.getElementById("lang").textContent = S.lang === "ja" ? "English" : "日本語";
}
async function route() {
  if (S.source) { S.source.close(); S.source = null; }
  const { page, params } = qs();
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("on", a.dataset.page === page);
  setContext();
  const main = document.getElementById("main");
  const pages = { data: pageData, scenario: pageScenario, run: pageRun, result: pageResult, compare: pageCompare };
  main.replaceChildren(el("p", { class: "muted" }, T("読み込み中…", "Loading…")));
  try {
    await (pages[page] || pageData)(main, params);
  } catch (e) {
    main.replaceChildren(el("p", { class: "error" }, String(e.message || e)));
  }
}

// ---------------------------------------------------------------- Data
async function pageData(main, params) {
  if (params.get("dataset")) chooseDataset(params.get("dataset"));
  const list = await api("GET", "/api/datasets");
  const upName = el("input", { type: "text", id: "upload-name", placeholder: T("名前(例: setagaya-2025)", "name (e.g. setagaya-2025)") });
  const upFile = el("input", { type: "file", id: "upload-file", accept: ".zip,.xlsx" });
  const upBtn = el("button", { id: "upload-button", type: "button", on: { click: async () => {
    const f = upFile.files[0];
    if (!f) { toast(T("ファイルを選んでください", "Choose a file")); return; }
    const name = upName.value.trim() || f.name.replace(/\.(zip|xlsx)$/i, "");
    upBtn.disabled = true;
    try {
      const r = await api("POST", "/api/datasets?name=" + encodeURIComponent(name), undefined, f);
      chooseDataset(r.name);
      await route();
    } catch (e) { toast(e.message); } finally { upBtn.disabled = false; }
  } } }, T("アップロード", "Upload"));
  const choices = list.length === 0
    ? el("p", { class: "muted" }, T("まだデータがありません。CSVのzipかExcelブックをアップロードしてください。", "No dataset yet: upload a zip of CSV files or a workbook."))
    : el("div", {}, list.map(d => el("label", { class: "row" },
      el("input", { type: "radio", name: "dataset", value: d.name, checked: d.name === S.dataset,
        on: { change: () => { chooseDataset(d.name); route(); } } }),
      d.name, el("span", { class: "muted" }, d.kind === "workbook" ? T("(Excelブック)", "(workbook)") : T("(フォルダ)", "(folder)")))));
  main.replaceChildren(
    el("h2", {}, T("データ", "Data")),
    el("section", { class: "card" }, el("h3", {}, T("データセットを選ぶ", "Choose a dataset")), choices),
    el("section", { class: "card" }, el("h3", {}, T("アップロード", "Upload")),
      el("p", { class: "help" }, T("facilities.csv・service_lines.csv・contracts.csv(任意で travel.csv・depots.csv)を入れたzip、または 施設・業務・契約 シートのあるExcelブック。", "A zip holding facilities.csv, service_lines.csv, contracts.csv (optionally travel.csv, depots.csv), or a workbook with sheets 施設, 業務, 契約.")),
      el("div", { class: "row" }, upName, upFile, upBtn)),
    el("div", { id: "validation" }));
  if (S.dataset && list.some(d => d.name === S.dataset)) await showValidation(document.getElementById("validation"), S.dataset);
}
function chooseDataset(name) { S.dataset = name; localStorage.setItem("matome.dataset", name); setContext(); }
async function showValidation(box, name) {
  box.replaceChildren(el("p", { class: "muted" }, T("検証中…", "Validating…")));
  const v = await api("GET", "/api/datasets/" + encodeURIComponent(name) + "/validation");
  const s = v.summary;
  const kv = (m) => Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join("、");
  const summary = el("table", {}, el("tbody", {},
    el("tr", {}, el("th", {}, T("施設", "Facilities")), el("td", { class: "num", id: "sum-facilities" }, num(s.facilities)), el("td", {}, T(`${s.areas} 地域・${s.districts} 地区、指定管理 ${s.designated_manager_facilities}`, `${s.areas} areas, ${s.districts} districts, ${s.designated_manager_facilities} designated managers`))),
    el("tr", {}, el("th", {}, T("地域別", "by area")), el("td", {}), el("td", {}, kv(s.facilities_by_area))),
    el("tr", {}, el("th", {}, T("種別", "by kind")), el("td", {}), el("td", {}, kv(s.facilities_by_kind))),
    el("tr", {}, el("th", {}, T("業務", "Service lines")), el("td", { class: "num", id: "sum-lines" }, num(s.lines)), el("td", {}, T(`うち固定 ${s.lines_pinned}`, `${s.lines_pinned} pinned`))),
    el("tr", {}, el("th", {}, T("業種別", "by trade")), el("td", {}), el("td", {}, kv(s.lines_by_trade))),
    el("tr", {}, el("th", {}, T("契約", "Contracts")), el("td", { class: "num", id: "sum-contracts" }, num(s.contracts)), el("td", {}, T(`年額合計 ${yen(s.contract_value_jpy)}、複数施設にまたがる契約 ${s.multi_facility_contracts}`, `total ${yen(s.contract_value_jpy)} a year; ${s.multi_facility_contracts} span several facilities`))),
    el("tr", {}, el("th", {}, T("拠点・移動", "Depots, travel")), el("td", {}), el("td", {}, `${s.depots} / ${s.travel_entries}`))));
  const verdict = v.valid
    ? el("p", { class: "ok", id: "verdict" }, T(`計画できます(エラー 0、警告 ${v.warnings})`, `Valid: 0 errors, ${v.warnings} warning(s)`))
    : el("p", { class: "error", id: "verdict" }, T(`計画できません: エラー ${v.errors}、警告 ${v.warnings}。下の表の「対処」を行い、もう一度アップロードしてください。`, `Invalid: ${v.errors} error(s), ${v.warnings} warning(s). Do what the table says and upload again.`));
  const diagRows = v.diagnostics.map(d => {
    let rowView = null;
    if (d.row && d.row.values) {
      const bad = d.column ? d.row.header.indexOf(d.column) : -1;
      rowView = el("div", { class: "diag-row scroll" }, el("table", {},
        el("tr", {}, el("th", {}, T("列", "column")), d.row.header.map((h, i) => el("th", { class: i === bad ? "bad" : "" }, h))),
        el("tr", {}, el("th", {}, T(`${d.row.line}行目`, `line ${d.row.line}`)), d.row.values.map((c, i) => el("td", { class: i === bad ? "bad" : "" }, c)))));
    }
    return el("tr", {},
      el("td", { class: "sev-" + d.severity }, d.severity === "error" ? T("エラー", "error") : T("警告", "warning"), el("br"), d.code),
      el("td", {}, d.file), el("td", { class: "num" }, d.line ?? ""), el("td", {}, d.cell || d.column || ""),
      el("td", {}, d.message, rowView), el("td", {}, d.action));
  });
  box.replaceChildren(el("section", { class: "card" },
    el("h3", {}, T("検証結果", "Validation"), ": ", name), verdict, summary,
    v.diagnostics.length ? el("div", { class: "scroll" }, el("table", { id: "diagnostics" },
      el("thead", {}, el("tr", {}, [["種類", "kind"], ["ファイル", "file"], ["行", "line"], ["列・セル", "column / cell"], ["内容", "what"], ["対処", "what to do"]].map(([j, e]) => el("th", {}, T(j, e))))),
      el("tbody", {}, diagRows))) : null,
    v.valid ? el("p", {}, el("a", { href: "#scenario" }, T("→ シナリオを決める", "→ Set the scenario"))) : null));
}

// ---------------------------------------------------------------- Scenario
function getKey(obj, key) { return key.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj); }
function setKey(obj, key, v) {
  const ks = key.split("."); let o = obj;
  for (const k of ks.slice(0, -1)) { o[k] = o[k] || {}; o = o[k]; }
  o[ks[ks.length - 1]] = v;
}
function shown(f, v) {
  if (v === null || v === undefined) return T("なし", "none");
  if (f.type === "bool") return v ? T("はい", "yes") : T("いいえ", "no");
  if (f.type === "enum") { const o = f.options.find(o => o[0] === v); return o ? T(o[1], o[2]) : v; }
  if (f.type === "list") return v.length ? v.join(", ") : T("なし", "none");
  if (f.type === "groups") return v.length ? v.map(g => g.join(",")).join("; ") : T("すべて一緒", "all together");
  return typeof v === "number" ? num(v, Number.isInteger(v) ? 0 : 3) : String(v);
}
async function loadFieldsAndDefaults() {
  if (!S.fields.length) S.fields = await (await fetch("/fields.json")).json();
  if (!S.defaults) S.defaults = await api("GET", "/api/scenario/defaults");
}
async function currentScenario() {
  await loadFieldsAndDefaults();
  if (!S.scenarioToml) {
    const p = await api("GET", "/api/presets");
    const base = p.scenarios.find(s => s.name === "baseline") || p.scenarios[0];
    if (base) setScenarioToml(base.toml, "baseline");
  }
  if (!S.scenarioToml) return S.defaults;
  return api("POST", "/api/scenario/parse", { toml: S.scenarioToml, name: S.scenarioName || "scenario" });
}
function setScenarioToml(text, name) {
  S.scenarioToml = text; S.scenarioName = name;
  localStorage.setItem("matome.scenarioToml", text); localStorage.setItem("matome.scenarioName", name);
  setContext();
}
function fieldInput(f, v) {
  const id = "f-" + f.key.replace(/\./g, "-");
  if (f.type === "bool") return el("input", { type: "checkbox", id, checked: !!v });
  if (f.type === "enum") return el("select", { id }, f.options.map(o => el("option", { value: o[0], selected: o[0] === v ? "selected" : null }, T(o[1], o[2]))));
  if (f.type === "list") return el("input", { type: "text", id, value: (v || []).join(", ") });
  if (f.type === "groups") return el("input", { type: "text", id, value: (v || []).map(g => g.join(",")).join("; ") });
  if (f.type === "number" || f.type === "integer") return el("input", { type: "number", id, step: f.type === "integer" ? "1" : "any", value: v ?? "", placeholder: f.optional ? T("上限なし", "no limit") : "" });
  return el("input", { type: "text", id, value: v ?? "" });
}
function readForm() {
  const out = {};
  for (const f of S.fields) {
    const e = document.getElementById("f-" + f.key.replace(/\./g, "-"));
    let v;
    if (f.type === "bool") v = e.checked;
    else if (f.type === "enum") v = e.value;
    else if (f.type === "list") v = e.value.split(/[,、]/).map(s => s.trim()).filter(Boolean);
    else if (f.type === "groups") v = e.value.split(/[;；]/).map(g => g.split(/[,、]/).map(s => s.trim()).filter(Boolean)).filter(g => g.length);
    else if (f.type === "number" || f.type === "integer") {
      if (e.value.trim() === "") { if (f.optional) continue; throw new Error(T(`「${f.ja}」を入力してください`, `Enter “${f.en}”`)); }
      v = Number(e.value);
      if (!Number.isFinite(v) || (f.type === "integer" && !Number.isInteger(v))) throw new Error(T(`「${f.ja}」は${f.type === "integer" ? "整数" : "数"}で入力してください`, `“${f.en}” must be a${f.type === "integer" ? "n integer" : " number"}`));
    } else v = e.value;
    setKey(out, f.key, v);
  }
  return out;
}
async function formToToml() {
  const r = await api("POST", "/api/scenario/toml", readForm());
  setScenarioToml(r.toml, r.name);
  return r;
}
async function pageScenario(main) {
  const sc = await currentScenario();
  const presets = await api("GET", "/api/presets");
  const saved = await api("GET", "/api/scenarios");
  const choices = [...presets.scenarios.map(s => ({ ...s, from: T("既定", "preset") })), ...saved.map(s => ({ ...s, from: T("保存済み", "saved") }))];
  const pick = el("select", { id: "preset" }, el("option", { value: "" }, T("— 選ぶ —", "— choose —")), choices.map((c, i) => el("option", { value: String(i) }, `${c.name} (${c.from})`)));
  const sections = [["basic", "基本", "Basics"], ["limits", "包括ごとの上限", "Limits per bundle"], ["bundles", "包括の数", "Bundle count"], ["groups", "業種グループ", "Trade groups"], ["exclude", "対象外", "Exclusions"], ["vendors", "事業者", "Firms"], ["costs", "費用", "Costs"], ["replan", "再計画(plan --from)", "Replanning (plan --from)"], ["phase", "段階導入(任意)", "Phase-in (optional)"], ["solver", "計算", "Solver"]];
  const form = el("form", { class: "scenario", id: "scenario-form", on: { submit: e => e.preventDefault() } },
    sections.map(([sec, ja, en]) => el("fieldset", {}, el("legend", {}, T(ja, en)),
      S.fields.filter(f => f.section === sec).map(f => el("div", { class: "field" },
        el("label", { for: "f-" + f.key.replace(/\./g, "-") }, T(f.ja, f.en), el("span", { class: "en" }, T(f.en, f.ja), " · ", f.key)),
        el("div", { class: "row" }, fieldInput(f, getKey(sc, f.key) === undefined ? getKey(S.defaults, f.key) : getKey(sc, f.key)), el("span", { class: "muted" }, f.unit)),
        el("div", { class: "help" }, T(f.help_ja, f.help_en), " ", T("既定値", "default"), ": ", shown(f, getKey(S.defaults, f.key))))))));
  const tomlBox = el("textarea", { id: "toml", rows: 14, spellcheck: "false" }, S.scenarioToml);
  const saveName = el("input", { type: "text", id: "save-name", value: sc.name || "", placeholder: T("保存名", "name") });
  const act = (f) => async () => { try { await f(); } catch (e) { toast(e.message); } };
  main.replaceChildren(
    el("h2", {}, T("シナリオ", "Scenario")),
    el("section", { class: "card" }, el("div", { class: "row" }, T("プリセット・保存済み: ", "Presets and saved: "), pick,
      el("button", { type: "button", class: "secondary", on: { click: act(async () => {
        const c = choices[Number(pick.value)]; if (!c) return;
        setScenarioToml(c.toml, c.name); await route();
      }) } }, T("読み込む", "Load")))),
    form,
    el("section", { class: "card" },
      el("div", { class: "row" },
        el("button", { type: "button", id: "to-toml", on: { click: act(async () => { const r = await formToToml(); tomlBox.value = r.toml; toast(T("TOMLを更新しました", "TOML updated")); }) } }, T("フォーム → TOML", "Form → TOML")),
        el("button", { type: "button", class: "secondary", on: { click: act(async () => { const s = await api("POST", "/api/scenario/parse", { toml: tomlBox.value }); setScenarioToml(tomlBox.value, s.name); await route(); }) } }, T("TOML → フォーム", "TOML → form")),
        saveName,
        el("button", { type: "button", id: "save", on: { click: act(async () => { const r = await formToToml(); tomlBox.value = r.toml; await api("POST", "/api/scenarios", { name: saveName.value, toml: r.toml }); toast(T("保存しました: ", "Saved: ") + saveName.value); }) } }, T("保存", "Save")),
        el("button", { type: "button", class: "secondary", on: { click: act(async () => { const r = await formToToml(); tomlBox.value = r.toml; download((r.name || "scenario") + ".toml", r.toml, "application/toml"); }) } }, T("ダウンロード", "Download")),
        el("button", { type: "button", id: "use", on: { click: act(async () => { await formToToml(); location.hash = "#run"; }) } }, T("このシナリオで実行 →", "Run with this scenario →"))),
      tomlBox));
}

// ---------------------------------------------------------------- Run
async function pageRun(main, params) {
  const id = params.get("id") || "";
  const start = el("button", { type: "button", id: "start", on: { click: async () => {
    if (!S.dataset) { toast(T("先にデータを選んでください", "Choose a dataset first")); return; }
    start.disabled = true;
    try {
      if (!S.scenarioToml) await currentScenario();
      const r = await api("POST", "/api/runs", { kind: "plan", dataset: S.dataset, toml: S.scenarioToml });
      location.hash = "#run?id=" + encodeURIComponent(r.id);
    } catch (e) { toast(e.message); start.disabled = false; }
  } } }, T("計画を開始", "Start the plan"));
  const runs = await api("GET", "/api/runs");
  const panel = el("div", { id: "run-panel" });
  main.replaceChildren(
    el("h2", {}, T("実行", "Run")),
    el("section", { class: "card" }, el("p", {}, T("データ ", "Dataset "), el("b", {}, S.dataset || "—"), T(" をシナリオ ", " with scenario "), el("b", {}, S.scenarioName || "baseline"), T(" で計画します。", ".")), start),
    panel,
    el("section", { class: "card" }, el("h3", {}, T("これまでの実行", "Runs")), el("div", { id: "runs-box" }, runsTable(runs))));
  if (id) watchRun(panel, id);
}
function runsTable(runs) {
  if (!runs.length) return el("p", { class: "muted" }, T("まだありません", "None yet"));
  return el("div", { class: "scroll" }, el("table", { id: "runs" },
    el("tr", {}, [["ID", "id"], ["種類", "kind"], ["データ", "dataset"], ["名前", "name"], ["状態", "status"], ["", ""]].map(([j, e]) => el("th", {}, T(j, e)))),
    runs.map(r => el("tr", {}, el("td", {}, el("a", { href: "#run?id=" + encodeURIComponent(r.id) }, r.id)),
      el("td", {}, r.kind === "sweep" ? T("一括比較", "sweep") : T("計画", "plan")), el("td", {}, r.dataset), el("td", {}, r.name), el("td", {}, pill(r.status)),
      el("td", {}, r.status === "done" ? el("a", { href: r.kind === "sweep" ? "#compare?run=" + encodeURIComponent(r.id) : "#result?run=" + encodeURIComponent(r.id) }, r.kind === "sweep" ? T("比較を見る", "comparison") : T("結果を見る", "result")) : null)))));
}
function watchRun(panel, id) {
  const es = new EventSource("/api/runs/" + encodeURIComponent(id) + "/events");
  S.source = es;
  es.addEventListener("progress", ev => {
    const v = JSON.parse(ev.data);
    drawRun(panel, v);
    if (!["queued", "running"].includes(v.status)) {
      es.close();
      const box = document.getElementById("runs-box");
      if (box) api("GET", "/api/runs").then(r => box.replaceChildren(runsTable(r))).catch(() => {});
    }
  });
  es.onerror = () => { if (es.readyState === EventSource.CLOSED) return; };
}
function drawRun(panel, v) {
  const cancel = el("button", { type: "button", class: "secondary", id: "cancel", on: { click: async () => {
    try { await api("POST", "/api/runs/" + encodeURIComponent(v.id) + "/cancel"); } catch (e) { toast(e.message); }
  } } }, T("取り消す", "Cancel"));
  const live = ["queued", "running"].includes(v.status);
  const rows = [
    [T("状態", "status"), pill(v.status), v.status === "queued" ? T(`(前に ${v.ahead} 件)`, ` (${v.ahead} ahead)`) : ""],
    [T("段階", "phase"), v.phase, v.kind === "sweep" ? ` ${v.done} / ${v.total}` : ""],
    [T("経過", "elapsed"), num(v.elapsed, 1) + " s", ""],
    ...(v.kind === "sweep" ? [] : [
      [T("最良の目的関数値", "best objective"), yen(v.objective), v.partial ? T("円/年(計算の終わった地域の合計)", "yen a year (sum over the parts finished)") : T("円/年", "yen a year")],
      [T("下界", "bound"), yen(v.bound), ""],
      [T("ギャップ", "gap"), pct(v.gap), ""],
    ]),
    [T("メッセージ", "message"), v.message, ""],
  ];
  panel.replaceChildren(el("section", { class: "card", id: "run-" + v.id },
    el("h3", {}, T("実行 ", "Run "), v.id, " — ", v.name, " / ", v.dataset),
    el("table", {}, rows.map(([k, a, b]) => el("tr", {}, el("th", {}, k), el("td", {}, a, " ", b)))),
    v.points.length ? progressChart(v.points) : null,
    v.error ? el("p", { class: "error", id: "run-error" }, v.error) : null,
    live ? cancel : null,
    v.status === "done" ? el("p", {}, el("a", { id: "to-result", href: v.kind === "sweep" ? "#compare?run=" + encodeURIComponent(v.id) : "#result?run=" + encodeURIComponent(v.id) }, v.kind === "sweep" ? T("→ 比較を見る", "→ See the comparison") : T("→ 結果を見る", "→ See the result"))) : null));
}
function progressChart(points) {
  const W = 520, H = 180, m = { l: 90, r: 10, t: 10, b: 28 };
  const vals = points.flatMap(p => [p.objective, p.bound]).filter(x => x !== null && x !== undefined);
  if (!vals.length) return null;
  let lo = Math.min(...vals), hi = Math.max(...vals);
  if (hi - lo < 1e-9) { hi += 1; lo -= 1; }
  const tmax = Math.max(1, ...points.map(p => p.t));
  const X = t => m.l + (W - m.l - m.r) * t / tmax, Y = y => H - m.b - (H - m.t - m.b) * (y - lo) / (hi - lo);
  const line = (k, c) => {
    const pts = points.filter(p => p[k] !== null && p[k] !== undefined);
    if (!pts.length) return null;
    let d = ""; let prev = null;
    for (const p of pts) { d += (prev === null ? `M${X(p.t)},${Y(p[k])}` : `H${X(p.t)}V${Y(p[k])}`); prev = p; }
    d += `H${X(tmax)}`;
    return el("path", { d, fill: "none", stroke: c, "stroke-width": 2 });
  };
  return el("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, id: "progress-chart" },
    el("line", { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b, class: "axis" }),
    el("line", { x1: m.l, y1: m.t, x2: m.l, y2: H - m.b, class: "axis" }),
    el("text", { x: m.l - 4, y: Y(hi) + 4, "text-anchor": "end", class: "tick" }, yen(hi)),
    el("text", { x: m.l - 4, y: Y(lo), "text-anchor": "end", class: "tick" }, yen(lo)),
    el("text", { x: W - m.r, y: H - 8, "text-anchor": "end", class: "tick" }, num(tmax, 1) + " s"),
    line("objective", "#1f5fa8"), line("bound", "#e8590c"),
    el("text", { x: m.l, y: H - 8, class: "tick", fill: "#1f5fa8" }, T("— 目的関数値", "— objective")),
    el("text", { x: m.l + 110, y: H - 8, class: "tick", fill: "#e8590c" }, T("— 下界", "— bound")));
}

// ---------------------------------------------------------------- Result
async function latestRun(kind) {
  const runs = await api("GET", "/api/runs");
  return runs.find(r => r.status === "done" && r.kind === kind);
}
async function pageResult(main, params) {
  let id = params.get("run");
  const sub = params.get("sub");
  if (!id) {
    const r = await latestRun("plan");
    if (!r) { main.replaceChildren(el("h2", {}, T("結果", "Result")), el("p", { class: "muted" }, T("完了した計画がまだありません。", "No finished plan yet."), " ", el("a", { href: "#run" }, T("実行へ", "Go to Run")))); return; }
    id = r.id;
  }
  const view = await api("GET", "/api/runs/" + encodeURIComponent(id));
  const prefix = sub ? sub + "/" : "";
  const base = "/api/runs/" + encodeURIComponent(id) + "/files/" + (sub ? encodeURIComponent(sub) + "/" : "");
  const [summary, geo, bundles, assigns] = await Promise.all([
    fetchText(base + "summary.json").then(JSON.parse),
    fetchText(base + "bundles.geojson").then(JSON.parse),
    fetchText(base + "bundles.csv").then(parseCsv),
    fetchText(base + "assignments.csv").then(parseCsv),
  ]);
  // Area outlines from the dataset's areas.geojson when it has one.
  geo.areas = await fetch("/api/datasets/" + encodeURIComponent(view.dataset) + "/areas")
    .then(r => (r.ok ? r.json() : null)).catch(() => null);
  const c = summary.contracts, h = summary.staff_hours, tr = summary.travel_km_per_year, sv = summary.solver;
  const fig = (id, label, value, sub, sub2) => el("div", { class: "figure", id }, el("div", { class: "label" }, label), el("div", { class: "value" }, value), sub ? el("div", { class: "sub" }, sub) : null, sub2 ? el("div", { class: "sub" }, sub2) : null);
  const statusJa = st => ({ "optimal": "最適(証明済み)", "within target gap": "目標ギャップ内", "feasible": "実行可能解" })[st] || st;
  const figures = el("div", { class: "figures" },
    fig("fig-contracts", T("契約の数", "Contracts"), `${num(c.before)} → ${num(c.after)}`, T(`包括 ${c.bundles} + そのまま ${c.left_as_is}`, `${c.bundles} bundles + ${c.left_as_is} left as is`)),
    fig("fig-hours", T("職員の事務時間(年)", "Staff hours a year"), `${num(h.before)} → ${num(h.after)} h`, null),
    fig("fig-freed", T("生み出される時間(年)", "Staff time freed a year"), `${num(h.freed)} h = ${num(h.fte_freed, 1)} ${T("人工", "FTE")}`,
      T(`幅 ${num(h.freed_if_contract_figures_25_percent_lower)} 〜 ${num(h.freed_if_contract_figures_25_percent_higher)} h`, `band ${num(h.freed_if_contract_figures_25_percent_lower)} … ${num(h.freed_if_contract_figures_25_percent_higher)} h`),
      T("単独契約の事務時間を ±25% としたとき", "single-contract staff hours ±25 %")),
    fig("fig-travel", T("受託者の移動(年)", "Contractor travel a year"), `${num(tr.before)} → ${num(tr.after)} km`, null),
    fig("fig-solver", T("目的関数値(年)", "Objective a year"), yen(sv.objective_jpy_per_year),
      T(`下界 ${yen(sv.lower_bound_jpy_per_year)}、ギャップ ${pct(sv.gap)}`, `bound ${yen(sv.lower_bound_jpy_per_year)}, gap ${pct(sv.gap)}`),
      T(`${statusJa(sv.status)}・${sv.mode === "exact" ? "厳密解法" : "近似解法"}・検算済み`, `${sv.status}, ${sv.mode}, checked`)));
  const byArea = el("table", { id: "by-area" }, el("tr", {}, [["地域", "area"], ["現在 h", "before h"], ["包括後 h", "after h"], ["削減 h", "freed h"], ["人工", "FTE"]].map(([j, e], i) => el("th", { class: i ? "num" : "" }, T(j, e)))),
    h.by_area.map(a => el("tr", {}, el("td", {}, a.area), el("td", { class: "num" }, num(a.before)), el("td", { class: "num" }, num(a.after)), el("td", { class: "num" }, num(a.freed)), el("td", { class: "num" }, num(a.fte_freed, 2)))));
  const state = { selected: null };
  const mapBox = el("div", { id: "map-box" });
  const hover = el("div", { id: "hover", class: "card" }, T("施設にカーソルを合わせると名前が出ます。", "Hover over a facility for its name."));
  const matrixBox = el("div", { id: "matrix" });
  const tableBox = el("div", {});
  const bundleIndex = new Map(geo.features.filter(f => f.properties.layer === "bundle").map((f, i) => [f.properties.bundle_id, i]));
  function select(bid) {
    state.selected = state.selected === bid ? null : bid;
    mapBox.replaceChildren(drawMap(geo, bundleIndex, hover, state.selected));
    matrixBox.replaceChildren(state.selected ? matrix(state.selected, assigns) : el("p", { class: "muted" }, T("表の行か地図の施設をクリックすると、その包括の施設×業種の表が出ます。", "Click a row or a facility to see that bundle's facility × trade table.")));
  }
  geo.onPick = select;
  const cols = [
    { key: "bundle_id", ja: "包括", en: "bundle", fmt: (v) => el("span", {}, el("span", { class: "swatch" }, ""), v) },
    { key: "name", ja: "名称", en: "name" },
    { key: "area", ja: "地域", en: "area" },
    { key: "hub_name", ja: "拠点", en: "hub" },
    { key: "facilities", ja: "施設", en: "facilities", num: true, fmt: v => num(v) },
    { key: "lines", ja: "業務", en: "lines", num: true, fmt: v => num(v) },
    { key: "labour_hours", ja: "作業時間 h/年", en: "labour h/yr", num: true, fmt: v => num(v) },
    { key: "value_jpy", ja: "年額 円", en: "value ¥/yr", num: true, fmt: v => num(v) },
    { key: "travel_km_year", ja: "移動 km/年", en: "travel km/yr", num: true, fmt: v => num(v) },
    { key: "admin_hours_year", ja: "事務 h/年", en: "admin h/yr", num: true, fmt: v => num(v) },
    { key: "bidders", ja: "応札可能", en: "bidders", num: true },
  ].filter(col => bundles.length && col.key in bundles[0]);
  tableBox.replaceChildren(sortableTable(bundles, cols, { onRow: r => select(r.bundle_id), selected: r => r.bundle_id === state.selected, class: "bundles" }));
  const files = (view.files || []).filter(f => sub ? f.startsWith(prefix) && !f.slice(prefix.length).includes("/") : !f.includes("/"));
  const fileUrl = f => "/api/runs/" + encodeURIComponent(id) + "/files/" + f.split("/").map(encodeURIComponent).join("/");
  main.replaceChildren(
    el("h2", {}, T("結果", "Result"), ": ", summary.scenario.name, " / ", summary.dataset, el("span", { class: "muted" }, "  (", id, sub ? " · " + sub : "", ")")),
    figures,
    el("div", { class: "maprow" }, el("div", {}, el("h3", {}, T("包括の地図", "Bundle map")), mapBox),
      el("div", {}, el("h3", {}, T("地域別の職員時間", "Staff hours by area")), byArea, hover, matrixBox)),
    el("h3", {}, T("包括の一覧(見出しで並べ替え)", "Bundles (click a heading to sort)")), tableBox,
    el("h3", {}, T("ダウンロード", "Downloads")),
    el("ul", { id: "downloads" }, files.map(f => el("li", {},
      el("a", { href: fileUrl(f) + "?download=1" }, f.slice(prefix.length)),
      f.endsWith(".html") ? [" · ", el("a", { href: fileUrl(f), target: "_blank", rel: "noopener" }, T("開く", "open"))] : null))));
  select(null);
}
function matrix(bid, assigns) {
  const lines = assigns.filter(a => a.new_contract === bid);
  const facs = [...new Map(lines.map(l => [l.facility_id, l.facility_name])).entries()];
  const trades = [...new Set(lines.map(l => l.trade))].sort();
  const cost = new Map();
  for (const l of lines) { const k = l.facility_id + "\u0000" + l.trade; cost.set(k, (cost.get(k) || 0) + Number(l.annual_cost_jpy || 0)); }
  return el("div", { class: "scroll" }, el("h3", {}, T("包括 ", "Bundle "), bid, T(": 施設 × 業種(年額 千円)", ": facility × trade (¥ thousand a year)")),
    el("table", { class: "matrix", id: "matrix-table" },
      el("tr", {}, el("th", {}, T("施設", "facility")), trades.map(t => el("th", {}, t))),
      facs.map(([fid, name]) => el("tr", {}, el("td", {}, name, el("span", { class: "muted" }, " ", fid)),
        trades.map(t => { const v = cost.get(fid + "\u0000" + t); return el("td", { class: "hit num" }, v === undefined ? "" : num(v / 1000)); })))));
}
function hull(pts) {
  const p = pts.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lo = [], up = [];
  for (const q of p) { while (lo.length >= 2 && cross(lo[lo.length - 2], lo[lo.length - 1], q) <= 0) lo.pop(); lo.push(q); }
  for (const q of p.slice().reverse()) { while (up.length >= 2 && cross(up[up.length - 2], up[up.length - 1], q) <= 0) up.pop(); up.push(q); }
  return lo.slice(0, -1).concat(up.slice(0, -1));
}
// Greedy label placement: each label tries positions around its anchor and takes the
// first whose box overlaps no label placed before and no marker; a label that finds
// none is left out (its row number or hover still names it).
function placeLabels(svg, items, markers, bounds) {
  const placed = [];
  // Three pixels apart at least, so that neighbouring numbers never read as one.
  const pad = 3;
  const hits = (a, b) => a.x < b.x + b.w + pad && b.x < a.x + a.w + pad && a.y < b.y + b.h + pad && b.y < a.y + a.h + pad;
  const shown = [];
  for (const it of items) {
    const t = el("text", { class: it.cls || "", x: 0, y: 0 }, it.text);
    svg.appendChild(t);
    // Widths are estimated from the characters (the SVG is not in the page yet, so
    // it cannot be measured): full-width CJK about one em, others about 0.62 em.
    const fs = it.fs || 11, hgt = fs * 1.2;
    const w = [...it.text].reduce((s, ch) => s + (ch.codePointAt(0) > 0x2e80 ? fs : fs * 0.62), 0);
    const r = it.r || 5, offs = it.center ? [[-w / 2, -hgt / 2], [-w / 2, -hgt * 1.6], [-w / 2, hgt * 0.6]] : [[r + 2, -hgt / 2], [-(w + r + 2), -hgt / 2], [-w / 2, -(hgt + r + 1)], [-w / 2, r + 1], [r + 2, -hgt - r], [r + 2, r], [-(w + r + 2), -hgt - r], [-(w + r + 2), r]];
    let ok = null;
    for (const [dx, dy] of offs) {
      const box = { x: it.x + dx, y: it.y + dy, w, h: hgt };
      if (bounds && (box.x < bounds.x || box.y < bounds.y || box.x + w > bounds.x + bounds.w || box.y + hgt > bounds.y + bounds.h)) continue;
      if (placed.some(b => hits(box, b))) continue;
      if (!it.overMarkers && markers.some(m => m !== it.marker && hits(box, m))) continue;
      ok = box; break;
    }
    if (!ok) { t.remove(); continue; }
    placed.push(ok);
    t.setAttribute("x", ok.x.toFixed(1)); t.setAttribute("y", (ok.y + hgt * 0.8).toFixed(1));
    if (it.fill) t.setAttribute("fill", it.fill);
    shown.push({ item: it, box: ok, node: t });
  }
  return shown;
}
function niceKm(km) {
  const p = Math.pow(10, Math.floor(Math.log10(km)));
  for (const m of [5, 2, 1]) if (m * p <= km) return m * p;
  return p;
}
function drawMap(geo, bundleIndex, hover, selected) {
  const W = 760, H = 560, M = 24;
  const facs = geo.features.filter(f => f.properties.layer === "facility");
  const bundles = geo.features.filter(f => f.properties.layer === "bundle");
  const svg = el("svg", { class: "map", id: "map", width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": T("包括の地図", "Map of bundles") });
  if (!facs.length) return svg;
  const lat0 = facs.reduce((s, f) => s + f.geometry.coordinates[1], 0) / facs.length;
  const kx = 111.32 * Math.cos(lat0 * Math.PI / 180), ky = 110.57;
  const km = ([lon, lat]) => [lon * kx, lat * ky];
  const all = facs.map(f => km(f.geometry.coordinates));
  const xs = all.map(p => p[0]), ys = all.map(p => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const k = Math.min((W - 2 * M) / Math.max(x1 - x0, 1e-6), (H - 2 * M - 30) / Math.max(y1 - y0, 1e-6));
  // Centred: the ward's shape decides which side fills the frame.
  const ox = (W - 2 * M - (x1 - x0) * k) / 2, oy = (H - 2 * M - 30 - (y1 - y0) * k) / 2;
  const P = ([x, y]) => [M + ox + (x - x0) * k, H - M - 30 - oy - (y - y0) * k];
  const toPx = c => P(km(c));
  // Area outlines, drawn first: the dataset's areas.geojson when it has one, else
  // the hull of each area's facilities.
  const areas = new Map();
  for (const f of facs) { const a = f.properties.area; if (!areas.has(a)) areas.set(a, []); areas.get(a).push(toPx(f.geometry.coordinates)); }
  const gAreas = el("g", { id: "areas" });
  const areaLabels = [];
  const given = geo.areas && Array.isArray(geo.areas.features) ? geo.areas.features : null;
  if (given) {
    for (const a of given) {
      const g = a.geometry || {}, p = a.properties || {};
      const name = String(p.name ?? p.area ?? p.N03_007 ?? p.N03_004 ?? "");
      const polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      const rings = polys.map(poly => poly[0].map(toPx));
      for (const ring of rings) gAreas.appendChild(el("polygon", { class: "area-outline given", points: ring.map(q => q.join(",")).join(" ") }, el("title", {}, name)));
      const all = rings.flat();
      if (name && all.length) areaLabels.push({ x: all.reduce((s, q) => s + q[0], 0) / all.length, y: all.reduce((s, q) => s + q[1], 0) / all.length, text: name, cls: "area-label", r: 0, fs: 13, center: true, overMarkers: true });
    }
  } else {
    for (const [name, pts] of areas) {
      const hh = hull(pts);
      if (hh.length >= 3) gAreas.appendChild(el("polygon", { class: "area-outline", points: hh.map(p => p.join(",")).join(" ") }, el("title", {}, name)));
      const cx = pts.reduce((s, p) => s + p[0], 0) / pts.length, cy = pts.reduce((s, p) => s + p[1], 0) / pts.length;
      areaLabels.push({ x: cx, y: cy, text: name, cls: "area-label", r: 0, fs: 13, center: true, overMarkers: true });
    }
  }
  svg.appendChild(gAreas);
  const gB = el("g", { id: "hulls" });
  const bundleLabels = [];
  for (const b of bundles) {
    const i = bundleIndex.get(b.properties.bundle_id);
    const col = colour(i);
    const faded = selected && selected !== b.properties.bundle_id;
    const g = b.geometry;
    if (g.type === "Polygon") gB.appendChild(el("polygon", { points: g.coordinates[0].map(c => toPx(c).join(",")).join(" "), fill: col, "fill-opacity": faded ? 0.04 : 0.14, stroke: col, "stroke-opacity": faded ? 0.2 : 0.8 }, el("title", {}, b.properties.bundle_id)));
    else if (g.type === "LineString") gB.appendChild(el("polyline", { points: g.coordinates.map(c => toPx(c).join(",")).join(" "), fill: "none", stroke: col, "stroke-width": 3, "stroke-opacity": faded ? 0.2 : 0.6 }));
    const [hx, hy] = toPx([b.properties.hub_lon, b.properties.hub_lat]);
    bundleLabels.push({ x: hx, y: hy, text: b.properties.bundle_id, cls: "bundle-label", fill: col, r: 6, fs: 10, overMarkers: true });
  }
  svg.appendChild(gB);
  const gF = el("g", { id: "facilities" });
  const markers = [];
  for (const f of facs) {
    const p = f.properties;
    const [x, y] = toPx(f.geometry.coordinates);
    const i = p.bundle_id ? bundleIndex.get(p.bundle_id) : null;
    const col = i === null || i === undefined ? "#adb5bd" : colour(i);
    const faded = selected && selected !== p.bundle_id;
    const title = el("title", {}, `${p.name} (${p.facility_id}) — ${p.bundle_id || T("包括外", "not bundled")}`);
    const on = {
      mouseenter: () => hover.replaceChildren(el("b", { id: "hover-name" }, p.name), el("br"), `${p.facility_id} · ${p.kind} · ${p.area}`, el("br"), p.bundle_id ? T("包括 ", "bundle ") + p.bundle_id + (p.is_hub ? T("(拠点)", " (hub)") : "") : T("包括外(今の契約のまま)", "not bundled (keeps today's contracts)")),
      click: () => { if (p.bundle_id && geo.onPick) geo.onPick(p.bundle_id); },
    };
    const node = p.is_hub
      ? el("rect", { class: "fac", x: x - 5, y: y - 5, width: 10, height: 10, fill: col, stroke: "#fff", "fill-opacity": faded ? 0.25 : 1, "data-name": p.name, on }, title)
      : el("circle", { class: "fac", cx: x, cy: y, r: 4, fill: col, stroke: "#fff", "stroke-width": 0.8, "fill-opacity": faded ? 0.25 : 1, "data-name": p.name, on }, title);
    gF.appendChild(node);
    markers.push({ x: x - 3, y: y - 3, w: 6, h: 6 });
  }
  svg.appendChild(gF);
  const gL = el("g", { id: "labels" });
  svg.appendChild(gL);
  placeLabels(gL, areaLabels.concat(bundleLabels), markers, { x: 0, y: 0, w: W, h: H - 30 });
  // Scale bar: a round number of km about a fifth of the width.
  const barKm = niceKm((W / 5) / k), barPx = barKm * k;
  svg.appendChild(el("g", { id: "scale" },
    el("rect", { x: M, y: H - 22, width: barPx, height: 5, fill: "#343a40" }),
    el("text", { x: M + barPx + 6, y: H - 16, class: "tick" }, `${barKm} km`),
    el("text", { x: W - M, y: H - 16, "text-anchor": "end", class: "tick" }, given ? T("北が上 · 点線は地域(areas.geojson)", "north up · dashed: areas (areas.geojson)") : T("北が上 · 点線は地域(施設の外周)", "north up · dashed: areas (around their facilities)"))));
  return svg;
}

// ---------------------------------------------------------------- Compare
// Grid scenario names (`cap-max_value_jpy=50000000-unit=facility-within_area=true`)
// in words: 上限5千万円・施設単位・地域内.
function readableName(name) {
  const m = /^([^=]*?)-([a-z_]+=.*)$/.exec(name);
  if (!m) return name;
  const parts = [];
  const re = /([a-z_]+)=([^-]*(?:-(?![a-z_]+=)[^-]*)*)/g;
  let x;
  while ((x = re.exec(m[2])) !== null) {
    const [, k, v] = x;
    const f = S.fields.find(f => f.key === k || f.key.endsWith("." + k));
    if (!f) { parts.push(`${k}=${v}`); continue; }
    if (f.type === "bool") parts.push(v === "true" ? T(f.true_ja, f.true_en) : T(f.false_ja, f.false_en));
    else if (f.type === "enum") { const o = f.options.find(o => o[0] === v); parts.push(o ? T(o[1], o[2]) : v); }
    else if (k.endsWith("_jpy")) parts.push(T(f.short_ja || f.ja, (f.en + " ")) + yenWords(v));
    else parts.push(`${T(f.ja, f.en)} ${v}${f.unit ? " " + f.unit.split(" ")[0] : ""}`);
  }
  return parts.length ? parts.join(T("・", ", ")) : name;
}
async function pageCompare(main, params) {
  await loadFieldsAndDefaults();
  const runId = params.get("run");
  const presets = await api("GET", "/api/presets");
  const runs = await api("GET", "/api/runs");
  const sweepPick = el("select", { id: "sweep-preset" }, presets.sweeps.map((s, i) => el("option", { value: String(i) }, s.name)));
  const sweepText = el("textarea", { id: "sweep-toml", rows: 10, spellcheck: "false" }, presets.sweeps[0] ? presets.sweeps[0].toml : "");
  sweepPick.addEventListener("change", () => { sweepText.value = presets.sweeps[Number(sweepPick.value)].toml; });
  const startSweep = el("button", { type: "button", id: "start-sweep", on: { click: async () => {
    if (!S.dataset) { toast(T("先にデータを選んでください", "Choose a dataset first")); return; }
    try {
      const r = await api("POST", "/api/runs", { kind: "sweep", dataset: S.dataset, toml: sweepText.value });
      location.hash = "#run?id=" + encodeURIComponent(r.id);
    } catch (e) { toast(e.message); }
  } } }, T("一括で計画して比較", "Plan them all and compare"));
  const done = runs.filter(r => r.status === "done" && r.kind === "plan");
  const checks = done.map(r => el("label", { class: "row" }, el("input", { type: "checkbox", value: r.id }), `${r.name} / ${r.dataset} (${r.id})`));
  const out = el("div", { id: "comparison" });
  const pickBtn = el("button", { type: "button", id: "compare-picked", on: { click: async () => {
    const ids = checks.map(c => c.querySelector("input")).filter(i => i.checked).map(i => i.value);
    try { showComparison(out, await api("GET", "/api/compare?ids=" + encodeURIComponent(ids.join(","))), null); } catch (e) { toast(e.message); }
  } } }, T("選んだ計画を比較", "Compare the chosen plans"));
  const sweepRuns = runs.filter(r => r.status === "done" && r.kind === "sweep");
  main.replaceChildren(
    el("h2", {}, T("比較", "Compare")),
    el("section", { class: "card" }, el("h3", {}, T("シナリオを一括で計画する", "Run a sweep")),
      el("p", { class: "help" }, T("シナリオのファイルと、キーの値の組み合わせ(grid)を並べた設定です。データ: ", "Scenario files and grids over scenario keys. Dataset: "), el("b", {}, S.dataset || "—")),
      el("div", { class: "row" }, sweepPick, startSweep), sweepText,
      sweepRuns.length ? el("p", {}, T("完了した一括計画: ", "Finished sweeps: "), sweepRuns.map(r => [el("a", { href: "#compare?run=" + encodeURIComponent(r.id) }, `${r.name} (${r.id})`), " "])) : null),
    el("section", { class: "card" }, el("h3", {}, T("保存された計画を比べる", "Compare saved plans")),
      checks.length ? [checks, pickBtn] : el("p", { class: "muted" }, T("完了した計画がまだありません", "No finished plan yet"))),
    out);
  if (runId) showComparison(out, JSON.parse(await fetchText("/api/runs/" + encodeURIComponent(runId) + "/files/comparison.json")), runId);
}
function showComparison(box, rows, runId) {
  rows.forEach((r, i) => { r.n = i + 1; r.label = readableName(r.name); });
  const cols = [
    { key: "n", ja: "#", en: "#", num: true },
    { key: "label", ja: "シナリオ", en: "scenario", fmt: (v, r) => runId && r.outcome === "ok" ? el("a", { href: `#result?run=${encodeURIComponent(runId)}&sub=${encodeURIComponent(r.name)}`, title: r.name }, v) : el("span", { title: r.name }, v) },
    { key: "outcome", ja: "結果", en: "outcome", fmt: (v, r) => r.reason ? el("span", { class: "error", title: r.reason }, v, ": ", r.reason.slice(0, 120)) : v },
    { key: "pareto", ja: "パレート", en: "Pareto", fmt: v => v ? "★" : "" },
    { key: "contracts", ja: "契約数", en: "contracts", num: true, fmt: v => num(v) },
    { key: "bundles", ja: "包括", en: "bundles", num: true, fmt: v => num(v) },
    { key: "staff_hours_freed", ja: "削減 h/年", en: "freed h/yr", num: true, fmt: v => num(v) },
    { key: "fte_freed", ja: "人工", en: "FTE", num: true, fmt: v => num(v, 1) },
    { key: "travel_km_year", ja: "移動 km/年", en: "travel km/yr", num: true, fmt: v => num(v) },
    { key: "largest_value", ja: "最大契約額", en: "largest value", num: true, fmt: v => v ? yen(v) : "—" },
    { key: "over_soft", ja: "目安超え", en: "over soft", num: true },
    { key: "gap", ja: "ギャップ", en: "gap", num: true, fmt: v => pct(v) },
  ];
  box.replaceChildren(el("section", { class: "card" },
    el("h3", {}, T("契約数と生み出される時間(★ パレート最適、色は移動距離)", "Contracts against hours freed (★ Pareto, colour: travel)")),
    compareChart(rows),
    sortableTable(rows, cols, { class: "comparison" })));
}
function compareChart(rows) {
  const W = 900, H = 460, m = { l: 80, r: 20, t: 36, b: 46 };
  const pts = rows.filter(r => r.contracts !== null && r.contracts !== undefined);
  const svg = el("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, id: "compare-chart" });
  if (!pts.length) return svg;
  const xs = pts.map(r => r.contracts), ys = pts.map(r => r.staff_hours_freed), ts = pts.map(r => r.travel_km_year);
  // Log scale on contracts: today's thousands and a plan's dozens on one axis.
  const lx = v => Math.log10(Math.max(1, v));
  const xa = lx(Math.min(...xs)) - 0.05, xb = lx(Math.max(...xs)) + 0.05;
  const ya = 0, yb = Math.max(1, ...ys) * 1.08;
  const X = v => m.l + (W - m.l - m.r) * (lx(v) - xa) / Math.max(xb - xa, 1e-9);
  const Y = v => H - m.b - (H - m.t - m.b) * (v - ya) / (yb - ya);
  const tmin = Math.min(...ts), tmax = Math.max(...ts);
  const tcol = t => `hsl(${(210 - 190 * (t - tmin) / Math.max(tmax - tmin, 1e-9)).toFixed(0)},70%,42%)`;
  svg.appendChild(el("line", { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b, class: "axis" }));
  svg.appendChild(el("line", { x1: m.l, y1: m.t, x2: m.l, y2: H - m.b, class: "axis" }));
  for (let i = 0; i <= 4; i++) {
    const v = yb * i / 4;
    svg.appendChild(el("line", { x1: m.l, x2: W - m.r, y1: Y(v), y2: Y(v), class: "grid" }));
    svg.appendChild(el("text", { x: m.l - 6, y: Y(v) + 4, "text-anchor": "end", class: "tick" }, num(v)));
  }
  const decades = [];
  for (let e = Math.floor(xa); e <= Math.ceil(xb); e++) for (const k of [1, 2, 5]) { const v = k * Math.pow(10, e); if (lx(v) >= xa && lx(v) <= xb) decades.push(v); }
  for (const v of decades) svg.appendChild(el("text", { x: X(v), y: H - m.b + 16, "text-anchor": "middle", class: "tick" }, num(v)));
  svg.appendChild(el("text", { x: (W + m.l) / 2, y: H - 8, "text-anchor": "middle", class: "tick" }, T("契約の数(対数目盛)", "contracts (log scale)")));
  svg.appendChild(el("text", { x: m.l, y: 14, class: "tick" }, T("↑ 生み出される時間 h/年", "↑ hours freed h/yr")));
  const markers = [], labels = [];
  for (const r of pts) {
    const x = X(r.contracts), y = Y(r.staff_hours_freed);
    const node = r.pareto
      ? el("path", { d: star(x, y, 8), fill: tcol(r.travel_km_year), stroke: "#212529", "stroke-width": 0.8, class: "pt" }, el("title", {}, `${r.n}. ${r.label}`))
      : el("circle", { cx: x, cy: y, r: 5, fill: tcol(r.travel_km_year), "fill-opacity": 0.75, class: "pt" }, el("title", {}, `${r.n}. ${r.label}`));
    svg.appendChild(node);
    const mk = { x: x - 6, y: y - 6, w: 12, h: 12 };
    markers.push(mk);
    labels.push({ x, y, text: `${r.n}`, r: 7, marker: mk, cls: "tick", row: r });
  }
  // Numbers always fit; a name is tried first and the number used when it would
  // overlap (the table gives every number its name).
  const gl = el("g", { id: "chart-labels" });
  svg.appendChild(gl);
  const named = labels.map(l => ({ ...l, text: `${l.row.n} ${l.row.label}` }));
  const first = placeLabels(gl, named, markers, { x: m.l, y: m.t, w: W - m.l - m.r, h: H - m.t - m.b });
  const done = new Set(first.map(s => s.item.row.n));
  const rest = labels.filter(l => !done.has(l.row.n));
  // The numbers must avoid the names already placed: treat those as markers.
  placeLabels(gl, rest, markers.concat(first.map(s => s.box)), { x: m.l, y: m.t, w: W - m.l - m.r, h: H - m.t - m.b });
  return svg;
}
function star(x, y, r) {
  let d = "";
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + i * Math.PI / 5, rr = i % 2 ? r * 0.45 : r;
    d += (i ? "L" : "M") + (x + rr * Math.cos(a)).toFixed(1) + "," + (y + rr * Math.sin(a)).toFixed(1);
  }
  return d + "Z";
}

// ---------------------------------------------------------------- start
document.getElementById("lang").addEventListener("click", () => {
  S.lang = S.lang === "ja" ? "en" : "ja";
  localStorage.setItem("matome.lang", S.lang);
  applyLang(); route();
});
window.addEventListener("hashchange", route);
applyLang();
loadFieldsAndDefaults().catch(() => {}).finally(route);
