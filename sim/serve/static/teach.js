"use strict";
(function () {
  const box = document.getElementById("teach");
  const key = box.dataset.key;
  const out = document.getElementById("create-error");
  const val = (id) => document.getElementById(id);
  function radio(name) { return document.querySelector("input[name=" + name + "]:checked").value; }
  function optional(id) { const v = val(id).value.trim(); return v === "" ? null : Number(v); }
  document.getElementById("new-game").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    out.textContent = "";
    const settings = {
      activity: radio("activity"), partner: radio("partner"), robot: val("robot").value,
      max_rounds: Number(val("max_rounds").value), round_seconds: Number(val("round_seconds").value),
      bargain_seconds: Number(val("bargain_seconds").value), continuation: optional("continuation"),
      noise_perception: optional("noise_perception"), treat_noise: val("treat_noise").checked,
      treat_linkage: val("treat_linkage").checked, show_moves: val("show_moves").checked,
      seed: Number(val("seed").value), expire_hours: Number(val("expire_hours").value),
    };
    const body = {key: key, settings: settings};
    const file = val("upload").files[0];
    if (file) { body.text = await file.text(); body.filename = file.name; }
    else if (val("scenario").value) { body.scenario = val("scenario").value; }
    else { out.textContent = "choose a scenario or upload one"; return; }
    try {
      const made = await T.api("/api/games", body);
      window.location.href = made.teacher;
    } catch (e) { out.textContent = e.message; }
  });
})();
