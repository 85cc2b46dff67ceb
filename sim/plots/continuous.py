"""Best-response curves of a two-player continuous game (matplotlib imported lazily)."""

from __future__ import annotations

from pathlib import Path

from sim.analyses.continuous import ContinuousReport
from sim.plots.core import _pyplot, save


def best_response_plot(r: ContinuousReport, path: Path) -> Path | None:
    """Each player's best response to the other's first continuous lever, the equilibria
    where they cross, and the most cooperative self-enforcing levels by δ.

    ``None`` (nothing written) when the game has not two players with a continuous lever.
    """
    if len(r.curves) != 2:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    c0, c1 = r.curves  # c0: player 0's response along player 1's lever, and vice versa
    k0, k1 = c1.against[1], c0.against[1]  # the two continuous levers
    ax.plot(
        c0.response[:, k0], c0.xs, color="tab:blue", label=f"{r.game.players[0]}'s best response"
    )
    ax.plot(
        c1.xs, c1.response[:, k1], color="tab:orange", label=f"{r.game.players[1]}'s best response"
    )
    for n, e in enumerate(r.equilibria.equilibria):
        ax.plot(
            e.profile[0][k0],
            e.profile[1][k1],
            "*",
            markersize=16,
            color="tab:red",
            markeredgecolor="black",
            zorder=5,
            label="Nash equilibrium" if n == 0 else None,
        )
    if r.path:
        xs = [lv.profile[0][k0] for lv in r.path]
        ys = [lv.profile[1][k1] for lv in r.path]
        ax.plot(
            xs,
            ys,
            "o--",
            color="tab:green",
            zorder=4,
            label="most cooperative self-enforcing, by δ",
        )
        points: dict[tuple[float, float], list[str]] = {}
        for lv, x, y in zip(r.path, xs, ys, strict=True):
            points.setdefault((round(x, 1), round(y, 1)), []).append(f"{lv.delta:g}")
        for (x, y), ds in points.items():
            ax.annotate(
                "δ=" + ", ".join(ds),
                (x, y),
                textcoords="offset points",
                xytext=(6, -10),
                fontsize=8,
            )
    _zoom(ax, r, k0, k1, c0.response[:, k0], c1.response[:, k1])
    units = {lv.name: lv.unit for p in r.scenario.players for lv in p.levers}
    ax.set_xlabel(_axis(r.game.players[0], r.game.coordinates[0][k0].name, units))
    ax.set_ylabel(_axis(r.game.players[1], r.game.coordinates[1][k1].name, units))
    ax.set_title(
        f"{r.scenario.name}: best responses (other levers at the equilibrium)", fontsize=10
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    return save(fig, path)


def _axis(player: str, lever: str, units: dict[str, str]) -> str:
    unit = units.get(lever, "")
    return f"{player}: {lever}" + (f" ({unit})" if unit else "")


def _zoom(ax, r: ContinuousReport, k0: int, k1: int, br0, br1) -> None:
    """Show where the best responses, equilibria and self-enforcing levels are: up to 2.5
    times the largest of them (at least a tenth of each range), not the whole range."""
    for axis, (player, k, br) in enumerate(((0, k0, br0), (1, k1, br1))):
        co = r.game.coordinates[player][k]
        points = [*br, *(e.profile[player][k] for e in r.equilibria.equilibria),
                  *(lv.profile[player][k] for lv in r.path)]
        top = min(co.hi, max(co.lo + 2.5 * (max(points) - co.lo), co.lo + 0.1 * co.span))
        pad = 0.03 * (top - co.lo)
        (ax.set_xlim if axis == 0 else ax.set_ylim)(co.lo - pad, top + pad)
