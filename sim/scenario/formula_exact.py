r"""A scenario's payoffs in rational arithmetic, for ``solve --exact``.

The float evaluator (:mod:`sim.scenario.formula`) computes ``0.1 * 3`` as ``0.30000000000000004``,
so a formula that should tie with ``0.3`` does not, and an exact solver fed those floats
can lose an equilibrium that rests on the tie. Here the same checked formulas are
evaluated again with :class:`fractions.Fraction`:

* a number written in a formula is the decimal it is written as (``0.1`` is 1/10), read from
  the formula's text;
* a fact or assumption is the shortest decimal that gives its float (Python's ``repr``),
  which is the decimal written in the file for anything up to 15 significant digits;
* ``+ - * / // %``, comparisons, ``and or not``, ``x if c else y``, ``min max abs clip``
  and integer powers are exact;
* ``sqrt`` is exact on squares of rationals, ``exp(0)`` and ``log(1)`` are exact; any other
  ``exp``, ``log``, ``sqrt`` or non-integer power has no rational value. Such a payoff is
  kept as the nearest double and the game is reported **not exactly representable**, with
  the functions to blame, rather than rounded silently.

Evaluation runs on numpy object arrays (one Python :class:`~fractions.Fraction` per
profile), so it broadcasts like the float evaluator but is far slower: it is only used on
request.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.errors import FormulaError

if TYPE_CHECKING:
    from sim.scenario import Scenario
    from sim.solvers.equilibria import EquilibriumSet

ObjArray = np.ndarray


@dataclass(frozen=True)
class ExactPayoffs:
    """Payoffs as nested lists of :class:`Fraction` (shape ``(n_players, *shape)``).

    ``inexact`` names the functions whose values have no rational form, per payoff
    (``{"US": ("exp",)}``); those payoffs hold the nearest double, as a Fraction.
    """

    payoffs: list
    inexact: dict[str, tuple[str, ...]]

    @property
    def representable(self) -> bool:
        return not self.inexact

    def message(self) -> str:
        """One line for the output, empty when the game is exact."""
        if not self.inexact:
            return ""
        def what(f: str) -> str:
            return {"**": "a power", "arithmetic": "arithmetic"}.get(f, f"{f}()")

        parts = "; ".join(f"{p}'s payoff uses {', '.join(what(f) for f in fs)}"
                          for p, fs in self.inexact.items())
        return (f"not exactly representable: {parts}, whose values are not all rational; "
                "those payoffs are the nearest doubles, so exact results hold for that "
                "rounded game")


def to_exact(value: float) -> Fraction:
    """The Fraction of a number read from a file: its shortest round-trip decimal."""
    if isinstance(value, bool | int | np.integer):
        return Fraction(int(value))
    return Fraction(repr(float(value)))


INEXACT = ("exp", "log", "sqrt", "**")
"""What can make a value irrational (a float here); ``**`` only with a non-integer power."""


def _inexact_parts(text: str, terms: Mapping[str, str], seen: frozenset[str] = frozenset()
                   ) -> set[str]:
    """The functions of :data:`INEXACT` a formula uses, through the terms it names."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(" ".join(text.split()), mode="eval")):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in INEXACT:
            out.add(node.func.id)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            out.add("**")
        elif isinstance(node, ast.Name) and node.id in terms and node.id not in seen:
            out |= _inexact_parts(terms[node.id], terms, seen | {node.id})
    return out


def _elementwise(f: Callable[..., Any], nargs: int) -> Callable[..., ObjArray]:
    vec = np.frompyfunc(f, nargs, 1)
    return lambda *args: np.asarray(vec(*args), dtype=object)


def _div(a: Any, b: Any) -> Any:
    try:
        return a / b
    except ZeroDivisionError:
        return math.nan  # only ever in a branch not taken: the float game is finite


def _floordiv(a: Any, b: Any) -> Any:
    try:
        q = a // b
    except ZeroDivisionError:
        return math.nan
    return Fraction(q) if isinstance(q, int) else q


def _mod(a: Any, b: Any) -> Any:
    try:
        return a % b
    except ZeroDivisionError:
        return math.nan


def _pow(a: Any, b: Any) -> Any:
    if isinstance(a, Fraction) and isinstance(b, Fraction) and b.denominator == 1:
        if a == 0 and b < 0:
            return math.nan
        return a ** int(b)
    try:
        return float(a) ** float(b)
    except (OverflowError, ZeroDivisionError, ValueError):
        return math.nan


def _exact_sqrt(x: Fraction) -> Fraction | None:
    if x < 0:
        return None
    n, d = math.isqrt(x.numerator), math.isqrt(x.denominator)
    return Fraction(n, d) if n * n == x.numerator and d * d == x.denominator else None


def _sqrt(x: Any) -> Any:
    root = _exact_sqrt(x) if isinstance(x, Fraction) else None
    if root is not None:
        return root
    return math.sqrt(x) if float(x) >= 0 else math.nan


def _exp(x: Any) -> Any:
    if isinstance(x, Fraction) and x == 0:
        return Fraction(1)
    try:
        return math.exp(float(x))
    except OverflowError:
        return math.inf


def _log(x: Any) -> Any:
    if isinstance(x, Fraction) and x == 1:
        return Fraction(0)
    return math.log(float(x)) if float(x) > 0 else math.nan


def _truth(x: Any) -> Fraction:
    return Fraction(int(bool(x)))


_BIN: dict[type, Callable[..., ObjArray]] = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
    ast.Div: _elementwise(_div, 2), ast.FloorDiv: _elementwise(_floordiv, 2),
    ast.Mod: _elementwise(_mod, 2), ast.Pow: _elementwise(_pow, 2),
}
_CMP: dict[type, Callable[[Any, Any], bool]] = {
    ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b, ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
}
_COMPARE: dict[type, Callable[..., ObjArray]] = {
    op: _elementwise(lambda a, b, f=f: Fraction(int(f(a, b))), 2) for op, f in _CMP.items()}
_truth_v = _elementwise(_truth, 1)
_FUNCS: dict[str, Callable[..., ObjArray]] = {
    "abs": _elementwise(abs, 1), "sqrt": _elementwise(_sqrt, 1),
    "exp": _elementwise(_exp, 1), "log": _elementwise(_log, 1),
    "min": _elementwise(min, 2), "max": _elementwise(max, 2),
    "clip": _elementwise(lambda x, lo, hi: min(max(x, lo), hi), 3),
}


class _Evaluator:
    """Walks a formula's syntax tree (already checked by :func:`sim.scenario.formula.parse_formula`)."""

    def __init__(self, source: str, env: Mapping[str, ObjArray]) -> None:
        self.source = source
        self.env = env

    def __call__(self, node: ast.AST) -> ObjArray:
        match node:
            case ast.Constant(value=bool() as v):
                return np.asarray(Fraction(int(v)), dtype=object)
            case ast.Constant(value=int() | float()):
                text = ast.get_source_segment(self.source, node) or repr(node.value)
                return np.asarray(Fraction(text.replace("_", "")), dtype=object)
            case ast.Name(id=name):
                return self.env[name]
            case ast.BinOp(left=left, op=op, right=right):
                return np.asarray(_BIN[type(op)](self(left), self(right)), dtype=object)
            case ast.UnaryOp(op=ast.USub(), operand=x):
                return np.asarray(np.negative(self(x)), dtype=object)
            case ast.UnaryOp(op=ast.UAdd(), operand=x):
                return self(x)
            case ast.UnaryOp(op=ast.Not(), operand=x):
                return np.asarray(Fraction(1) - _truth_v(self(x)), dtype=object)
            case ast.BoolOp(op=op, values=values):
                parts = [_truth_v(self(v)) for v in values]
                f = np.minimum if isinstance(op, ast.And) else np.maximum
                out = parts[0]
                for p in parts[1:]:
                    out = f(out, p)
                return np.asarray(out, dtype=object)
            case ast.Compare(left=left, ops=ops, comparators=comps):
                return self._compare(left, ops, comps)
            case ast.IfExp(test=test, body=body, orelse=orelse):
                cond = np.vectorize(bool, otypes=[bool])(self(test))
                return np.asarray(np.where(cond, self(body), self(orelse)), dtype=object)
            case ast.Call(func=ast.Name(id=fname), args=args):
                return self._call(fname, [self(a) for a in args])
        msg = f"'{type(node).__name__}' has no exact evaluation"
        raise FormulaError(msg)

    def _compare(self, left: ast.AST, ops: list[ast.cmpop], comps: list[ast.AST]) -> ObjArray:
        values = [self(x) for x in [left, *comps]]
        out = None
        for k, op in enumerate(ops):
            step = _COMPARE[type(op)](values[k], values[k + 1])
            out = step if out is None else np.minimum(out, step)
        return np.asarray(out, dtype=object)

    def _call(self, fname: str, args: list[ObjArray]) -> ObjArray:
        f = _FUNCS[fname]
        if fname in {"min", "max"}:
            out = args[0]
            for a in args[1:]:
                out = f(out, a)
            return np.asarray(out, dtype=object)
        return np.asarray(f(*args), dtype=object)


def evaluate_exact(text: str, env: Mapping[str, ObjArray]) -> ObjArray:
    """Evaluate one (already checked) formula over an environment of Fraction arrays."""
    source = " ".join(text.split())
    tree = ast.parse(source, mode="eval")
    return _Evaluator(source, env)(tree.body)


def exact_payoffs(scenario: Scenario, overrides: Mapping[str, float] | None = None
                  ) -> ExactPayoffs:
    """Every payoff of ``scenario`` in rational arithmetic (see the module docstring).

    A hand-written matrix game's entries are read as written (:func:`to_exact`).
    """
    if scenario.matrix is not None:
        pays = [np.vectorize(to_exact, otypes=[object])(
            np.asarray(scenario.matrix["payoffs"][p], dtype=object))
            for p in scenario.player_names]
        return ExactPayoffs(payoffs=np.stack(pays).tolist(), inexact={})
    shape = [math.prod(len(lv.levels) for lv in p.levers) for p in scenario.players]
    n = len(shape)
    env: dict[str, ObjArray] = {k: np.asarray(to_exact(v), dtype=object)
                                for k, v in scenario.quantities(overrides).items()}
    for p, player in enumerate(scenario.players):
        sizes = [len(lv.levels) for lv in player.levers]
        grids = np.indices(sizes).reshape(len(sizes), -1)
        for k, lever in enumerate(player.levers):
            values = np.empty(len(lever.values), dtype=object)
            values[:] = [env[r][()] if r else to_exact(v)
                         for r, v in zip(lever.refs, lever.values, strict=True)]
            axis_shape = [1] * n
            axis_shape[p] = shape[p]
            env[lever.name] = values[grids[k]].reshape(axis_shape)
    for name, formula in scenario.terms.items():
        env[name] = evaluate_exact(formula.text, env)
    out = np.empty((n, *shape), dtype=object)
    inexact: dict[str, tuple[str, ...]] = {}
    terms = {name: f.text for name, f in scenario.terms.items()}
    for p, player in enumerate(scenario.players):
        text = scenario.payoffs[player.name].text
        values = np.broadcast_to(evaluate_exact(text, env), shape)
        if not all(isinstance(x, Fraction) for x in values.flat):
            inexact[player.name] = tuple(sorted(_inexact_parts(text, terms))) or ("arithmetic",)
            values = np.vectorize(lambda x: x if isinstance(x, Fraction) else to_exact(x),
                                  otypes=[object])(values)
        out[p] = values
    return ExactPayoffs(payoffs=out.tolist(), inexact=inexact)


def exact_inputs(scenario: Scenario | None) -> tuple[list | None, str]:
    """``(exact payoffs, note)`` for ``--exact`` on a scenario with payoff formulas; the note
    is empty unless the game is not exactly representable. ``(None, "")`` otherwise (a
    matrix game's entries and an ``.nfg`` file's are read exactly by their callers)."""
    if scenario is None or scenario.matrix is not None:
        return None, ""
    if getattr(scenario, "trade", None):
        return None, ("not exactly representable: the [trade] markets are computed in floating "
                      "point; payoffs are read as the shortest decimals of their doubles")
    found = exact_payoffs(scenario)
    return found.payoffs, found.message()


def with_note(eqs: EquilibriumSet, note: str) -> EquilibriumSet:
    """``eqs`` with ``note`` added to its message."""
    if not note:
        return eqs
    return replace(eqs, message="; ".join(filter(None, [eqs.message, note])))
