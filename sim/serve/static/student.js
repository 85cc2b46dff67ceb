"use strict";
(function () {
  const app = document.getElementById("app");
  const token = app.dataset.token;
  const $ = (id) => document.getElementById(id);
  let formKey = "";       // what the move form was drawn for (not redrawn while choosing)
  let historyKey = "";
  let bargainKey = "";
  let deadlineAt = null;  // local time the round closes

  function statusText(s) {
    const g = s.game;
    if (!s.paired && g.state === "lobby") return "You are in, " + T.esc(s.you.nickname) + ". Waiting for the teacher to start…";
    if (g.state === "ended") return "The game has ended. Thank you!";
    if (g.state === "paused") return "Paused by the teacher.";
    if (g.activity === "bargain") return "Bargaining round: agree on a deal before the deadline.";
    return "Round " + g.round + (g.activity === "truce" ? " (after each round the game goes on with probability " + T.num(g.continuation, 2) + ")" : "");
  }

  function renderStatus(s) {
    const left = s.game.seconds_left;
    deadlineAt = (left === null || s.game.state !== "running") ? null : Date.now() + 1000 * left;
    $("status").innerHTML = "<h1>" + T.esc(s.game.title) + "</h1><p id=\"status-text\">" + statusText(s) +
      "</p><p class=\"clock\" id=\"clock\"></p>";
    tickClock();
  }

  function tickClock() {
    const el = $("clock");
    if (!el) return;
    el.textContent = deadlineAt === null ? "" : "Time left: " + T.clock((deadlineAt - Date.now()) / 1000);
  }

  function renderRole(s) {
    const y = s.you;
    const box = $("role");
    if (!s.paired) { box.hidden = true; return; }
    box.hidden = false;
    let html = "<p>You are <strong>" + T.esc(y.nickname) + "</strong>, playing <strong id=\"player\">" + T.esc(y.player) +
      "</strong> against " + T.esc(y.partner) + " playing " + T.esc(y.partner_player) + ".</p>";
    if (y.noise > 0) html += "<p class=\"note\">Noise: each part of the truce your partner keeps reaches you as broken with probability " + T.num(y.noise, 2) + " (and yours reaches them the same way).</p>";
    if (s.parts && s.parts.length > 1) html += "<p class=\"note\">The truce is judged issue by issue: " + s.parts.map((p) => T.esc(p.name.replace(/_/g, " "))).join(", ") + ".</p>";
    if (s.total !== undefined) html += "<p>Your payoff so far: <strong id=\"total\">" + T.num(s.total, 4) + "</strong></p>";
    box.innerHTML = html;
  }

  function leverField(lever, prefix, chosen) {
    let html = "<fieldset class=\"lever\"><legend>" + T.esc(lever.description) + " <code>" + T.esc(lever.name) + "</code></legend>";
    for (const level of lever.levels) {
      const id = prefix + "-" + lever.name + "-" + level;
      const checked = level === chosen ? " checked" : "";
      const truce = level === lever.truce_level ? " <span class=\"tag\">truce</span>" : "";
      html += "<label class=\"inline level\" for=\"" + T.esc(id) + "\"><input type=\"radio\" id=\"" + T.esc(id) + "\" name=\"" +
        T.esc(prefix + "-" + lever.name) + "\" value=\"" + T.esc(level) + "\"" + checked + "> " + T.esc(level) + truce + "</label>";
    }
    if (lever.sources.length) html += "<p class=\"source\">Source: " + lever.sources.map(T.esc).join("; ") + "</p>";
    return html + "</fieldset>";
  }

  function chosen(prefix, levers) {
    const out = {};
    for (const lever of levers) {
      const el = document.querySelector("input[name=\"" + CSS.escape(prefix + "-" + lever.name) + "\"]:checked");
      out[lever.name] = el ? el.value : lever.truce_level;
    }
    return out;
  }

  function renderPlay(s) {
    const box = $("play");
    const g = s.game;
    const open = s.paired && g.activity !== "bargain" && g.state === "running" && g.round >= (s.you.first_round || 1);
    const key = [open, g.round, s.moved, g.state].join("/");
    if (key === formKey) return;
    formKey = key;
    if (!open) { box.hidden = !(s.paired && g.activity !== "bargain" && g.state !== "ended"); box.innerHTML = "<p>Waiting…</p>"; return; }
    box.hidden = false;
    if (s.moved) { box.innerHTML = "<p id=\"moved\">Move sent for round " + g.round + ". Waiting for the others…</p>"; return; }
    let html = "<h2>Your move in round " + g.round + "</h2><form id=\"move-form\">";
    for (const lever of s.levers) html += leverField(lever, "m", lever.truce_level ?? lever.levels[0]);
    html += "<div class=\"row\"><button type=\"button\" id=\"keep\" class=\"secondary\">Set all to the truce</button>" +
      "<button type=\"submit\" id=\"send\">Send my move</button></div></form>";
    box.innerHTML = html;
    $("keep").addEventListener("click", () => {
      for (const lever of s.levers) {
        if (lever.truce_level === null) continue;
        const el = document.getElementById("m-" + lever.name + "-" + lever.truce_level);
        if (el) el.checked = true;
      }
    });
    $("move-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      $("error").textContent = "";
      $("send").disabled = true;
      try {
        await T.api("/api/s/" + token + "/move", {round: g.round, levels: chosen("m", s.levers)});
        formKey = "";
        await refresh();
      } catch (e) { $("error").textContent = e.message; $("send").disabled = false; }
    });
  }

  function renderHistory(s) {
    const box = $("history");
    if (!s.history || !s.history.length) { box.hidden = true; return; }
    const key = s.history.length + "/" + s.game.state;
    if (key === historyKey) return;
    historyKey = key;
    box.hidden = false;
    const rows = s.history.slice().reverse().map((h) => {
      const kept = Object.entries(h.partner_kept).map(([k, v]) => (v ? "kept" : "<strong>broke</strong>") +
        (Object.keys(h.partner_kept).length > 1 ? " " + T.esc(k.replace(/_/g, " ")) : "")).join(", ");
      const you = T.esc(h.label) + (h.slipped ? " <span class=\"tag warn\">slipped</span>" : "") + (h.auto ? " <span class=\"tag\">no move: repeated</span>" : "");
      const levels = h.partner === undefined ? "" : "<br><small class=\"levels\">" + h.partner.split("; ").map(T.esc).join("<br>") + "</small>";
      return [String(h.round), you, kept + levels, T.num(h.payoff, 3)];
    });
    box.innerHTML = "<h2>Rounds so far</h2>" + T.table(["Round", "You played", "Your partner, as you saw it", "Payoff"], rows);
  }

  function offerText(o, players) {
    return players.map((p) => "<strong>" + T.esc(p) + "</strong>: " + Object.entries(o.levels[p]).map(([k, v]) => T.esc(k) + "=" + T.esc(v)).join(", ")).join("<br>");
  }

  function renderBargain(s) {
    const box = $("bargain");
    if (!s.paired || !s.bargain) { box.hidden = true; return; }
    box.hidden = false;
    const b = s.bargain;
    const g = s.game;
    const players = g.players;
    const me = s.you.side;
    const key = [b.offers.length, JSON.stringify(b.deal), g.state].join("/");
    if (key === bargainKey) return;
    bargainKey = key;
    let html = "<h2>Bargaining</h2>";
    if (b.disagreement) html += "<p>If there is no deal by the deadline: " + players.map((p, i) => T.esc(p) + " " + T.num(b.disagreement[i], 4)).join(", ") + ".</p>";
    if (b.deal) {
      html += "<p id=\"deal\" class=\"ok\">" + (b.deal.agreed ? "Deal! Payoffs: " : "No deal: the fallback payoffs: ") +
        players.map((p, i) => T.esc(p) + " " + T.num(b.deal.payoffs ? b.deal.payoffs[i] : null, 4)).join(", ") + "</p>";
    }
    const latestPartner = b.offers.filter((o) => o.from === "partner").slice(-1)[0];
    const rows = b.offers.slice().reverse().map((o) => [o.from === "you" ? "you" : "partner", offerText(o, players),
      players.map((p, i) => T.esc(p) + " " + T.num(o.payoffs[i], 4)).join("<br>"),
      (!b.deal && g.state === "running" && latestPartner && o.id === latestPartner.id) ? "<button class=\"accept\" data-offer=\"" + o.id + "\">Accept</button>" : ""]);
    if (rows.length) html += T.table(["From", "Deal", "Payoffs", ""], rows);
    if (!b.deal && g.state === "running") {
      html += "<form id=\"offer-form\"><h3>Make an offer</h3><p class=\"note\">Your levers (" + T.esc(players[me]) + ")</p>";
      for (const lever of s.levers) html += leverField(lever, "o" + me, lever.truce_level ?? lever.levels[0]);
      html += "<p class=\"note\">Your partner's levers (" + T.esc(players[1 - me]) + ")</p>";
      for (const lever of b.partner_levers) html += leverField(lever, "o" + (1 - me), lever.truce_level ?? lever.levels[0]);
      html += "<button type=\"submit\" id=\"propose\">Propose this deal</button></form>";
    }
    box.innerHTML = html;
    for (const btn of box.querySelectorAll("button.accept")) {
      btn.addEventListener("click", async () => {
        $("error").textContent = "";
        try { await T.api("/api/s/" + token + "/accept", {offer: Number(btn.dataset.offer)}); bargainKey = ""; await refresh(); }
        catch (e) { $("error").textContent = e.message; }
      });
    }
    const form = $("offer-form");
    if (form) form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      $("error").textContent = "";
      const levels = {};
      levels[players[me]] = chosen("o" + me, s.levers);
      levels[players[1 - me]] = chosen("o" + (1 - me), b.partner_levers);
      try { await T.api("/api/s/" + token + "/offer", {levels: levels}); bargainKey = ""; await refresh(); }
      catch (e) { $("error").textContent = e.message; }
    });
  }

  async function refresh() {
    try {
      const s = await T.api("/api/s/" + token);
      renderStatus(s);
      renderRole(s);
      renderPlay(s);
      renderBargain(s);
      renderHistory(s);
      app.dataset.state = s.game.state;
      app.dataset.round = s.game.round;
    } catch (e) {
      $("error").textContent = e.status ? e.message : "connection lost; retrying…";
    }
  }

  refresh();
  setInterval(refresh, 1500);
  setInterval(tickClock, 500);
})();
