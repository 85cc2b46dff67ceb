// Shared helpers for the tradesim classroom pages (no framework, no external assets).
"use strict";
const T = {
  esc(s) {
    return String(s ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  },
  num(x, d = 3) {
    if (x === null || x === undefined) return "–";
    return Number(x).toPrecision(d).replace(/\.?0+$/, "").replace(/\.?0+e/, "e");
  },
  pct(x) { return x === null || x === undefined ? "–" : Math.round(100 * x) + "%"; },
  async api(url, body) {
    const opts = body === undefined ? {} : {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
    const r = await fetch(url, opts);
    let data = {};
    try { data = await r.json(); } catch (e) { data = {error: "the server sent no JSON (" + r.status + ")"}; }
    if (!r.ok) { const err = new Error((data.errors || [data.error || ("HTTP " + r.status)]).join("\n")); err.status = r.status; throw err; }
    return data;
  },
  clock(seconds) {
    if (seconds === null || seconds === undefined) return "";
    const s = Math.max(0, Math.round(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  },
  table(headers, rows) {
    return "<div class=\"scroll\"><table><thead><tr>" + headers.map((h) => "<th>" + T.esc(h) + "</th>").join("") +
      "</tr></thead><tbody>" + rows.map((r) => "<tr>" + r.map((c) => "<td>" + c + "</td>").join("") + "</tr>").join("") +
      "</tbody></table></div>";
  },
};
