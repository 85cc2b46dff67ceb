"""Figures of sensitivity sweeps, tornadoes and scenario comparisons.

matplotlib is imported only inside the functions (through :func:`sim.plots.core._pyplot`); each
function draws one PNG with :func:`sim.plots.core.save`. Inputs are plain lists and dicts (the
rows that ``tradesim sweep`` writes), so the figures can be redrawn from ``sweep.json``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.plots.core import _pyplot, save

MAX_LEGEND = 12
"""Most equilibrium sets named in a region map's legend (the rest are "other sets")."""


def _num(x: Any) -> float:
    return math.nan if x is None or x == "" else float(x)


def short_set_labels(labels: Sequence[str]) -> dict[str, str]:
    """Shorter legend labels for equilibrium-set labels: drop what they all share.

    A set label is equilibria joined by ``" ; "``; a pure equilibrium is
    ``"US: a=x, b=y | China: c=z"``. Lever settings (``US a=x``) found in every pure
    equilibrium of every set are dropped; a mixed equilibrium is shown as ``mixed (k x m)``
    by its support sizes.
    """
    parsed: dict[str, list[list[str] | str]] = {}
    for label in labels:
        eqs: list[list[str] | str] = []
        for eq in filter(None, label.split(" ; ")):
            if eq.startswith("mixed "):
                sizes = [str(part.count(";") + 1) for part in eq[6:].split(" | ")]
                eqs.append(f"mixed ({' x '.join(sizes)})")
            else:
                tokens = []
                for side in eq.split(" | "):
                    player, _, levels = side.partition(": ")
                    tokens += [f"{player} {lv.strip()}" for lv in levels.split(", ")]
                eqs.append(tokens)
        parsed[label] = eqs
    pure = [set(e) for eqs in parsed.values() for e in eqs if isinstance(e, list)]
    common = set.intersection(*pure) if pure else set()
    out = {}
    for label, eqs in parsed.items():
        parts = []
        for e in eqs:
            if isinstance(e, str):
                parts.append(e)
            else:
                kept = [t for t in e if t not in common]
                parts.append(", ".join(_merge_players(kept)) or "(the common profile)")
        out[label] = " ; ".join(parts) if parts else "no equilibrium found"
    return out


def _merge_players(tokens: Sequence[str]) -> list[str]:
    """``["US a=x", "US b=y", "China c=z"]`` -> ``["US a=x b=y", "China c=z"]``."""
    groups: dict[str, list[str]] = {}
    for t in tokens:
        player, _, setting = t.partition(" ")
        groups.setdefault(player, []).append(setting)
    return [f"{p} {' '.join(s)}" for p, s in groups.items()]


def _wrap(text: str, width: int = 60) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def sweep_lines(rows: Sequence[Mapping[str, Any]], variable: str, players: Sequence[str],
                tipping: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """1-D sweep: equilibrium and Nash-deal payoffs, δ and δ*, and the truce model's outcomes
    against ``variable``.

    Tipping points along the variable are dotted vertical lines in every panel.
    """
    plt = _pyplot()
    x = np.array([_num(r[variable]) for r in rows])
    fig, axes = plt.subplots(3, 1, figsize=(7.5, 8.5), sharex=True, layout="constrained")
    ax = axes[0]
    for k, p in enumerate(players):
        color = f"C{k}"
        ax.plot(x, [_num(r.get(f"payoff_{p}")) for r in rows], color=color, marker=".",
                label=f"{p}: best equilibrium")
        ax.plot(x, [_num(r.get(f"deal_{p}")) for r in rows], color=color, linestyle="--",
                label=f"{p}: Nash bargaining deal")
    ax.set_ylabel("payoff")
    ax.set_title("Payoffs (equilibrium with the highest joint payoff; Nash deal)")
    ax.legend(fontsize=7, loc="best")
    ax = axes[1]
    ax.plot(x, [_num(r.get("delta_star")) for r in rows], marker=".", color="C3",
            label="δ* (grim trigger, binding side)")
    ax.plot(x, [_num(r.get("delta")) for r in rows], color="C2", linestyle="--",
            label="δ (the scenario's discount factor)")
    ax.set_ylabel("discount factor per period")
    ax.set_title("Truce: sustainable where δ ≥ δ*")
    ax.legend(fontsize=7, loc="best")
    _model_panel(axes[2], x, rows)
    axes[2].set_xlabel(variable)
    for tp in tipping:
        if tp["variable"] == variable:
            for a in axes:
                a.axvline(tp["value"], color="grey", linestyle=":", linewidth=1)
    if any(tp["variable"] == variable for tp in tipping):
        axes[2].text(1.0, -0.3, "dotted lines: tipping points", transform=axes[2].transAxes,
                     fontsize=7, color="grey", ha="right")
    return save(fig, path)


_MODEL_LINES = (("collapse", True, "P(no collapse before expiry)", "-"),
                ("dispute", True, "P(no dispute)", "--"),
                ("no_slip", False, "P(no slip at all)", ":"),
                ("renewed", False, "P(renewed at expiry)", "-."))


def _model_panel(ax: Any, x: np.ndarray, rows: Sequence[Mapping[str, Any]]) -> None:
    """The truce model's outcomes at each point (exact: no error band)."""
    for k, (key, complement, label, style) in enumerate(_MODEL_LINES):
        y = np.array([_num(r.get(key)) for r in rows])
        ax.plot(x, 1 - y if complement else y, linestyle=style, color=f"C{k + 4}",
                marker="." if k == 0 else None, label=label)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("probability")
    ax.set_title("Truce model (exact): the truce over its term")
    ax.legend(fontsize=7, loc="best")


def region_map(rows: Sequence[Mapping[str, Any]], xname: str, yname: str,
               xs: Sequence[float], ys: Sequence[float], path: Path) -> Path:
    """2-D sweep: each grid cell coloured by its equilibrium set, with a legend of sets.

    ``rows`` are in grid order, ``xname`` (the first swept variable) varying slowest. Sets
    are numbered by decreasing area; past :data:`MAX_LEGEND` they share one grey colour.
    """
    plt = _pyplot()
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    labels = [str(r["equilibria"]) for r in rows]
    counts: dict[str, int] = {}
    for lab in labels:
        counts[lab] = counts.get(lab, 0) + 1
    order = sorted(counts, key=lambda lab: (-counts[lab], lab))
    shown = order[:MAX_LEGEND]
    code = {lab: (min(MAX_LEGEND, k)) for k, lab in enumerate(order)}
    grid = np.array([code[lab] for lab in labels]).reshape(len(xs), len(ys)).T
    cmap_name = "tab10" if len(shown) <= 10 else "tab20"
    palette = [plt.get_cmap(cmap_name)(k % 20) for k in range(len(shown))]
    palette.append((0.6, 0.6, 0.6, 1.0))
    cmap = ListedColormap(palette)
    short = short_set_labels(order)
    fig, ax = plt.subplots(figsize=(8.5, 5.5 + 0.25 * len(shown)), layout="constrained")
    dx = (xs[1] - xs[0]) / 2 if len(xs) > 1 else 0.5
    dy = (ys[1] - ys[0]) / 2 if len(ys) > 1 else 0.5
    ax.imshow(grid, origin="lower", aspect="auto", cmap=cmap, vmin=-0.5,
              vmax=len(palette) - 0.5, interpolation="nearest",
              extent=(xs[0] - dx, xs[-1] + dx, ys[0] - dy, ys[-1] + dy))
    ax.set_xlabel(xname)
    ax.set_ylabel(yname)
    ax.set_title(f"Equilibrium set over {xname} × {yname}")
    handles = [Patch(color=palette[k], label=_wrap(f"{short[lab]}  ({counts[lab]} pts)", 90))
               for k, lab in enumerate(shown)]
    if len(order) > MAX_LEGEND:
        rest = sum(counts[lab] for lab in order[MAX_LEGEND:])
        handles.append(Patch(color=palette[-1],
                             label=f"{len(order) - MAX_LEGEND} other sets ({rest} pts)"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=7,
              title="equilibria (lever settings shared by all are omitted)",
              title_fontsize=7, frameon=False)
    return save(fig, path)


def survival_map(rows: Sequence[Mapping[str, Any]], xname: str, yname: str,
                 xs: Sequence[float], ys: Sequence[float], path: Path) -> Path:
    """2-D sweep: the truce model's P(no collapse before expiry) as a heat map, the
    δ = δ* boundary as a contour."""
    plt = _pyplot()
    s = 1 - np.array([_num(r.get("collapse")) for r in rows]).reshape(len(xs), len(ys)).T
    sus = np.array([1.0 if r.get("sustainable") else 0.0 for r in rows]).reshape(
        len(xs), len(ys)).T
    fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    mesh = ax.pcolormesh(xs, ys, s, shading="nearest", cmap="magma", vmin=0, vmax=1)
    fig.colorbar(mesh, ax=ax, label="truce model: P(no collapse before expiry)")
    if 0 < sus.sum() < sus.size and len(xs) > 1 and len(ys) > 1:
        ax.contour(xs, ys, sus, levels=[0.5], colors="cyan", linewidths=1.5)
    ax.set_xlabel(xname)
    ax.set_ylabel(yname)
    ax.set_title("Truce model: no collapse; cyan line: edge of δ ≥ δ* (sustainable)")
    return save(fig, path)


def tornado_chart(panels: Sequence[Mapping[str, Any]], path: Path, *, top: int = 10) -> Path:
    """Tornado charts, one panel per outcome: each assumption at its low and high end.

    Each panel has ``outcome``, ``base`` and ``bars`` (``name``, ``low``, ``high``,
    ``at_low``, ``at_high``: the outcome with the assumption at each end, the others at
    their values); the widest swings are drawn at the top, bars without a swing are left out.
    """
    plt = _pyplot()
    n = max(1, len(panels))
    cols = 2 if n > 1 else 1
    rows_n = math.ceil(n / cols)
    fig, axes = plt.subplots(rows_n, cols, figsize=(7 * cols, 0.6 + 0.32 * (top + 2) * rows_n),
                             squeeze=False, layout="constrained")
    for ax in axes.ravel()[len(panels):]:
        ax.set_visible(False)
    for ax, panel in zip(axes.ravel(), panels, strict=False):
        base, outcome = float(panel["base"]), panel["outcome"]
        rows = [b for b in panel["bars"] if math.isfinite(_num(b["at_low"])) and
                math.isfinite(_num(b["at_high"])) and
                abs(_num(b["at_low"]) - _num(b["at_high"])) > 1e-9 * max(1.0, abs(base))]
        rows.sort(key=lambda b: abs(_num(b["at_high"]) - _num(b["at_low"])), reverse=True)
        rows = rows[:top][::-1]
        for k, b in enumerate(rows):
            ax.barh(k, _num(b["at_low"]) - base, left=base, color="C0", height=0.6,
                    label="at the low end" if k == 0 else None)
            ax.barh(k, _num(b["at_high"]) - base, left=base, color="C1", height=0.6,
                    label="at the high end" if k == 0 else None)
        ax.set_yticks(range(len(rows)),
                      [f"{b['name']} [{b['low']:g}, {b['high']:g}]" for b in rows], fontsize=7)
        ax.axvline(base, color="black", linewidth=1)
        ax.set_xlabel(f"{outcome} (central value {base:.4g})", fontsize=8)
        ax.set_title(f"{outcome}", fontsize=9)
        if rows:
            ax.legend(fontsize=6, loc="lower right")
    fig.suptitle("Tornado: each assumption moved to the ends of its range, others held",
                 fontsize=10)
    return save(fig, path)


def compare_bars(names: Sequence[str], series: Mapping[str, Sequence[float]], title: str,
                 ylabel: str, path: Path) -> Path:
    """Grouped bars: one group per scenario, one bar per series (NaN bars are skipped)."""
    plt = _pyplot()
    k = max(1, len(series))
    width = 0.8 / k
    fig, ax = plt.subplots(figsize=(1.8 + 1.6 * len(names), 4), layout="constrained")
    for j, (label, values) in enumerate(series.items()):
        pos = np.arange(len(names)) + (j - (k - 1) / 2) * width
        ax.bar(pos, [_num(v) for v in values], width=width, label=label, color=f"C{j}")
    ax.set_xticks(range(len(names)), [_wrap(n, 18) for n in names], fontsize=8)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=7)
    return save(fig, path)


def compare_model(curves: Mapping[str, Mapping[str, Sequence[float]]], horizon: float,
                  path: Path) -> Path:
    """The truce model's curves of several scenarios by day: P(not collapsed) (solid) and
    P(no slip) (dotted), with the common horizon as a grey line."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4.2), layout="constrained")
    for k, (name, c) in enumerate(curves.items()):
        days = list(c["days"])
        ax.step(days, [1 - x for x in c["collapse"]], where="post", color=f"C{k}",
                linewidth=2, marker="o", markersize=3, label=f"{name}: not collapsed")
        ax.step(days, c["no_slip"], where="post", color=f"C{k}", linewidth=1.2,
                linestyle=":", label=f"{name}: no slip")
    ax.axvline(horizon, color="grey", linestyle="--", linewidth=1)
    ax.text(horizon, 1.0, f" common horizon, day {horizon:g}", color="grey", fontsize=7,
            va="top")
    ax.set_ylim(-0.02, 1.04)
    ax.set_xlabel("day")
    ax.set_ylabel("probability")
    ax.set_title("Truce model by scenario: not collapsed (solid) and no slip at all (dotted)")
    if curves:
        ax.legend(fontsize=7, loc="lower left")
    return save(fig, path)


def compare_payoff_spaces(panels: Sequence[Mapping[str, Any]], players: Sequence[str],
                          path: Path) -> Path:
    """Side-by-side payoff spaces: all pure profiles, equilibria, disagreement point, deal."""
    plt = _pyplot()
    n = max(1, len(panels))
    fig, axes = plt.subplots(1, n, figsize=(4.2 * n, 4.2), squeeze=False,
                             layout="constrained")
    for ax, panel in zip(axes[0], panels, strict=False):
        pts = np.asarray(panel["points"], dtype=float).reshape(-1, 2)
        ax.scatter(pts[:, 0], pts[:, 1], s=8, color="lightgrey", label="pure profiles")
        eq = np.asarray(panel.get("equilibria") or [], dtype=float).reshape(-1, 2)
        if len(eq):
            ax.scatter(eq[:, 0], eq[:, 1], marker="*", s=120, color="C3", label="equilibria")
        if panel.get("disagreement") is not None:
            d = panel["disagreement"]
            ax.scatter([d[0]], [d[1]], marker="x", s=60, color="black",
                       label="disagreement point")
        if panel.get("deal") is not None:
            u = panel["deal"]
            ax.scatter([u[0]], [u[1]], marker="D", s=50, color="C2", label="Nash deal")
        p = panel.get("players") or players
        ax.set_xlabel(f"{p[0]} payoff")
        ax.set_ylabel(f"{p[1]} payoff")
        ax.set_title(_wrap(panel["name"], 40), fontsize=9)
        ax.legend(fontsize=6, loc="best")
    return save(fig, path)
