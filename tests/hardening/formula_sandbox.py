"""Evaluate hostile formulas in a child process; run by test_hostile_formulas.py.

Usage: ``python formula_sandbox.py CASES.json``. The parent sets resource limits
(address space, CPU seconds) before this starts. Here, after the imports and a warm-up, an
audit hook (PEP 578) turns any attempt to run code, open a file, start a process, import a
module or reach interpreter internals into an exception, and each formula gets its own
CPU-time alarm. One JSON line per case goes to standard output; the index of the case about
to run goes to standard error first, so a crash can be attributed.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import time

import numpy as np

from sim.errors import FormulaError
from sim.scenario.formula import parse_formula

PER_CASE_CPU_SECONDS = 2.0
FORBIDDEN_PREFIXES = (
    "exec", "import", "open", "os.", "subprocess.", "shutil.", "socket.", "ctypes.",
    "builtins.input", "code.__new__", "function.__new__", "object.__getattr__",
    "object.__setattr__", "object.__delattr__", "sys._getframe", "sys.settrace",
    "sys.setprofile", "pickle.", "marshal.", "urllib.", "http.",
)
SELF_TEST = "<audit self-test: open a file>"
"""A case that opens a file directly, to show that the audit hook does catch it."""


class Forbidden(Exception):
    pass


class CaseTimeout(Exception):
    pass


def env() -> dict[str, np.ndarray]:
    x = np.linspace(-2.0, 3.0, 300).reshape(300, 1)
    y = np.linspace(0.5, 1.5, 200).reshape(1, 200)
    return {"x": x, "y": y, "z": x * y, "a": np.float64(2.0), "b": np.float64(-1.0)}


def classify(values: np.ndarray) -> str:
    return "finite" if np.isfinite(values).all() else "nonfinite"


def run_case(text: str, names: dict[str, np.ndarray]) -> dict:
    try:
        if text == SELF_TEST:
            with open("CANARY", "w"):
                pass
        formula = parse_formula(text)
        values = formula(names)
    except FormulaError as exc:
        return {"outcome": "refuse", "message": str(exc)}
    except Forbidden as exc:
        return {"outcome": "escaped", "message": str(exc)}
    except CaseTimeout:
        return {"outcome": "timeout", "message": ""}
    except BaseException as exc:  # noqa: BLE001 - anything else is a bug the test reports
        return {"outcome": "crash", "message": f"{type(exc).__name__}: {exc}"}
    return {"outcome": classify(values), "message": ""}


def audit(event: str, args: tuple) -> None:
    if event.startswith(FORBIDDEN_PREFIXES):
        raise Forbidden(f"audit event {event} {args!r:.200}")


def alarm(signum, frame) -> None:
    raise CaseTimeout


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as fh:
        cases = json.load(fh)
    names = env()
    run_case("min(x, y) + max(x, y, z) + abs(x) + exp(y) + log(y) + sqrt(y) + clip(x, 0, 1)"
             " + (x if a < b <= z else y) + (not x) + (x and y)", names)  # warm-up
    signal.signal(signal.SIGPROF, alarm)
    sys.addaudithook(audit)  # from here on, nothing may run code, open files or import
    for i, text in enumerate(cases):
        sys.stderr.write(f"{i}\n")
        sys.stderr.flush()
        before = resource.getrusage(resource.RUSAGE_SELF)
        cpu0 = time.process_time()
        signal.setitimer(signal.ITIMER_PROF, PER_CASE_CPU_SECONDS)
        result = run_case(text, names)
        signal.setitimer(signal.ITIMER_PROF, 0)
        after = resource.getrusage(resource.RUSAGE_SELF)
        result["cpu_seconds"] = time.process_time() - cpu0
        result["peak_rss_growth_mb"] = (after.ru_maxrss - before.ru_maxrss) / 1024
        sys.stdout.write(json.dumps({"case": i, **result}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
