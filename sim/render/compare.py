"""The table of ``tradesim compare`` (rows of :func:`sim.analyses.compare.compare_one`)."""

from __future__ import annotations

from typing import Any


def render_table(rows: list[dict[str, Any]]) -> str:
    def num(x: Any, fmt: str = ".3g") -> str:
        return "-" if x is None else format(x, fmt)

    head = (f"{'scenario':<26} {'eq (pure)':>9}  {'best equilibrium payoffs':<30} "
            f"{'delta':>6} {'delta*':>7} {'holds':>5} {'survival':>15}  Nash deal")
    lines = [head, "-" * len(head)]
    for r in rows:
        pay = ", ".join(f"{p} {num(v, '.4g')}" for p, v in r["payoffs"].items())
        t, d = r["truce"] or {}, r["deal"] or {}
        surv = "-" if t.get("survival") is None else \
            f"{t['survival']:.3f} ± {t['survival_se']:.3f}"
        deal = ", ".join(f"{p} {num(v, '.4g')}" for p, v in (d.get("payoffs") or {}).items())
        holds = "-" if not t else ("yes" if t["sustainable"] else "no")
        lines.append(f"{r['scenario'][:26]:<26} {r['n_equilibria']:>4} ({r['n_pure']:>2})  "
                     f"{pay[:30]:<30} {num(t.get('delta')):>6} {num(t.get('delta_star')):>7} "
                     f"{holds:>5} {surv:>15}  {deal or '-'}")
    return "\n".join(lines)
