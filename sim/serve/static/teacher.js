"use strict";
(function () {
  const app = document.getElementById("app");
  const secret = app.dataset.secret;
  const $ = (id) => document.getElementById(id);
  let version = "";
  let deadlineAt = null;
  let state = null;

  const enabled = {
    lobby: ["start", "end"], running: ["pause", "close", "end"], paused: ["resume", "close", "end"], ended: [],
  };

  function renderStatus(d) {
    const g = d.game;
    state = g.state;
    deadlineAt = g.seconds_left === null || g.state !== "running" ? null : Date.now() + 1000 * g.seconds_left;
    const joined = d.seats.length;
    const moved = d.seats.filter((s) => s.moved).length;
    let text = T.esc(g.title) + " · " + T.esc(g.activity) + " · " + joined + " joined · ";
    text += {lobby: "waiting to start", running: g.activity === "bargain" ? "bargaining" : "round " + g.round + ": " + moved + " moves in",
      paused: "paused in round " + g.round, ended: "ended"}[g.state];
    $("status").innerHTML = "<span id=\"state\" data-state=\"" + T.esc(g.state) + "\">" + text + "</span> <span id=\"clock\"></span>";
    for (const btn of document.querySelectorAll(".controls button")) btn.disabled = !enabled[g.state].includes(btn.dataset.action);
    app.dataset.state = g.state;
    app.dataset.round = g.round;
    tickClock();
  }

  function tickClock() {
    const el = $("clock");
    if (el) el.textContent = deadlineAt === null ? "" : "· " + T.clock((deadlineAt - Date.now()) / 1000) + " left";
  }

  function delta(x) { return x === null ? "1 (no δ < 1 sustains it)" : T.num(x); }

  function renderTheory(d) {
    const th = d.theory;
    const p = th.players;
    const rows = [];
    for (const eq of th.equilibria) rows.push(["equilibrium", T.esc(eq.label), p.map((x, i) => T.esc(x) + " " + T.num(eq.payoffs[i], 4)).join(", ")]);
    if (th.nash) rows.push(["Nash deal", "", p.map((x, i) => T.esc(x) + " " + T.num(th.nash[i], 4)).join(", ")]);
    if (th.ks) rows.push(["Kalai–Smorodinsky deal", "", p.map((x, i) => T.esc(x) + " " + T.num(th.ks[i], 4)).join(", ")]);
    if (th.disagreement) rows.push(["disagreement point", "", p.map((x, i) => T.esc(x) + " " + T.num(th.disagreement[i], 4)).join(", ")]);
    if (th.truce) {
      rows.push(["the truce", T.esc(th.truce.label), p.map((x, i) => T.esc(x) + " " + T.num(th.truce.payoffs[i], 4)).join(", ")]);
      rows.push(["δ* (grim trigger)", "binding: " + T.esc(th.truce.binding), delta(th.truce.delta_star) + " against continuation " + T.num(th.continuation) +
        (th.truce.sustainable ? " (sustainable)" : " (not sustainable)")]);
      if (th.truce.delta_star_linked !== undefined) rows.push(["δ* linked / separate", "", delta(th.truce.delta_star_linked) + " / " + delta(th.truce.delta_star_separate)]);
    }
    $("theory").innerHTML = T.table(["Theory", "", "Payoffs"], rows);
  }

  function renderOutcomes(d) {
    const rows = d.stats.outcomes;
    if (d.stats.bargaining) {
      const b = d.stats.bargaining;
      $("outcomes").innerHTML = "<p id=\"deals\">" + b.agreed + " of " + b.pairs + " pairs agreed" +
        (b.mean_seconds === null ? "" : " (after " + T.num(b.mean_seconds, 3) + " s on average)") +
        "; " + (b.settled - b.agreed) + " fell back to the disagreement point.</p>";
      return;
    }
    if (!rows.length) { $("outcomes").innerHTML = "<p>No round played yet.</p>"; return; }
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r.counts)))].sort();
    $("outcomes").innerHTML = T.table(["Round", ...keys], rows.map((r) => [String(r.round), ...keys.map((k) => String(r.counts[k] || 0))]));
  }

  function renderSurvival(d) {
    const sv = d.stats.survival;
    const names = Object.keys(sv).sort();
    if (!names.length) { $("survival").innerHTML = "<p>Survival applies to the truce activity.</p>"; return; }
    const rows = [];
    for (const n of names) {
      const s = sv[n];
      const t = s.class.length - 1;
      rows.push([T.esc(n), String(s.pairs), T.pct(s.class[t]), T.pct(s.predicted[t])]);
    }
    $("survival").innerHTML = T.table(["Treatment", "Pairs", "Intact now (class)", "Predicted (grim vs grim)"], rows);
  }

  function renderSeats(d) {
    const rows = d.seats.map((s) => [T.esc(s.nickname), T.esc(s.player || "–"), s.pair === null ? "–" : String(s.pair),
      d.game.state === "running" ? (s.moved ? "✓" : "…") : "", s.idle > 30 ? "away " + s.idle + " s" : ""]);
    $("seats").innerHTML = T.table(["Nickname", "Plays", "Pair", "Moved", ""], rows);
    const pairs = d.pairs.map((p) => [String(p.id), T.esc(p.seats[0]), T.esc(p.seats[1]), T.esc(p.treatment),
      p.deal ? (p.deal.agreed ? "deal" : "fallback") : ""]);
    $("pairs").innerHTML = pairs.length ? T.table(["Pair", d.game.players[0], d.game.players[1], "Treatment", ""], pairs) : "";
  }

  async function refresh() {
    try {
      const d = await T.api("/api/t/" + secret + "/state");
      renderStatus(d);
      if (d.version !== version) {
        version = d.version;
        renderTheory(d);
        renderOutcomes(d);
        renderSurvival(d);
        $("figure").src = "/api/t/" + secret + "/figure.png?v=" + encodeURIComponent(version);
      }
      renderSeats(d);
      $("error").textContent = "";
    } catch (e) { $("error").textContent = e.status ? e.message : "connection lost; retrying…"; }
  }

  for (const btn of document.querySelectorAll(".controls button")) {
    btn.addEventListener("click", async () => {
      if (btn.dataset.action === "end" && !window.confirm("End the game for everyone?")) return;
      try { await T.api("/api/t/" + secret + "/control", {action: btn.dataset.action}); await refresh(); }
      catch (e) { $("error").textContent = e.message; }
    });
  }
  refresh();
  setInterval(refresh, 2000);
  setInterval(tickClock, 500);
  return state;
})();
