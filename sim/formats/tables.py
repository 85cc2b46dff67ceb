"""Tables as CSV (and Parquet when pyarrow is installed): ``tradesim compare``'s rows and
``tradesim sweep``'s points."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from sim.formats.json import to_json


def compare_csv(rows: list[dict[str, Any]]) -> str:
    import csv
    import io

    buf = io.StringIO()
    fields = ["scenario", "title", "player_1", "player_2", "n_equilibria", "n_pure",
              "payoff_1", "payoff_2", "delta", "delta_star", "binding", "sustainable",
              "survival", "survival_se", "horizon_days", "survival_horizon",
              "no_slip_horizon", "dispute_horizon", "collapse_horizon", "no_slip", "dispute",
              "collapse", "renewed", "disputes_per_year", "truce_length_days", "deal_1",
              "deal_2", "deal_profiles"]
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    for r in to_json(rows):
        p = r["players"] + [None, None]
        pay = [r["payoffs"].get(x) for x in p[:2]]
        t, d = r["truce"] or {}, r["deal"] or {}
        deal = [(d.get("payoffs") or {}).get(x) for x in p[:2]]
        h, m = t.get("horizon") or {}, t.get("model") or {}
        w.writerow({k: "" if v is None else v for k, v in {
            "horizon_days": h.get("days"), "survival_horizon": h.get("survival"),
            "no_slip_horizon": h.get("no_slip"), "dispute_horizon": h.get("dispute"),
            "collapse_horizon": h.get("collapse"), "no_slip": m.get("no_slip"),
            "dispute": m.get("dispute"), "collapse": m.get("collapse"),
            "renewed": m.get("renewed"), "disputes_per_year": m.get("disputes_per_year"),
            "truce_length_days": m.get("length_days"),
            "scenario": r["scenario"], "title": r["title"], "player_1": p[0],
            "player_2": p[1], "n_equilibria": r["n_equilibria"], "n_pure": r["n_pure"],
            "payoff_1": pay[0], "payoff_2": pay[1], "delta": t.get("delta"),
            "delta_star": t.get("delta_star"), "binding": t.get("binding"),
            "sustainable": t.get("sustainable"), "survival": t.get("survival"),
            "survival_se": t.get("survival_se"), "deal_1": deal[0], "deal_2": deal[1],
            "deal_profiles": d.get("profiles")}.items()})
    return buf.getvalue()


def sweep_csv(table: Sequence[dict[str, Any]]) -> str:
    buf = io.StringIO()
    if table:
        w = csv.DictWriter(buf, fieldnames=list(table[0]), lineterminator="\n")
        w.writeheader()
        for r in to_json(list(table)):
            w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue()

def sweep_parquet(table: Sequence[dict[str, Any]]) -> bytes | None:
    """The table as Parquet, or ``None`` when pyarrow is not installed."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return None
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(to_json(list(table))), buf)
    return buf.getvalue()
