"use strict";
(function () {
  const form = document.getElementById("join");
  const code = document.getElementById("code");
  const nick = document.getElementById("nickname");
  const error = document.getElementById("join-error");
  function remembered() {
    try { return JSON.parse(localStorage.getItem("tradesim-seats") || "{}"); } catch (e) { return {}; }
  }
  function showRejoin() {
    const seat = remembered()[code.value.trim().toUpperCase()];
    const box = document.getElementById("rejoin");
    if (seat) { document.getElementById("rejoin-link").href = seat; box.hidden = false; } else { box.hidden = true; }
  }
  code.addEventListener("input", showRejoin);
  showRejoin();
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    try {
      const r = await fetch("/api/join", {method: "POST", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({code: code.value.trim(), nickname: nick.value})});
      const data = await r.json();
      if (!r.ok) { error.textContent = data.error || "could not join"; return; }
      const seats = remembered();
      seats[code.value.trim().toUpperCase()] = data.seat;
      try { localStorage.setItem("tradesim-seats", JSON.stringify(seats)); } catch (e) { /* private mode */ }
      window.location.href = data.seat;
    } catch (e) { error.textContent = "no connection to the server; try again"; }
  });
})();
