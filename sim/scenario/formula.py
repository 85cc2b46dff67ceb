r"""A small, safe evaluator for payoff formulas, vectorised over numpy arrays.

A formula is a Python-like *expression* over named variables (lever values, facts,
assumptions and earlier terms). The text is parsed with :func:`ast.parse` and checked
against a whitelist of node types; nothing is ever passed to ``eval`` or ``exec``.
Allowed:

* numbers (``int``/``float``/``True``/``False``) and variable names;
* ``+ - * / // % **`` and unary ``+ - not``;
* comparisons (chains allowed, ``a < b <= c``), ``and``/``or``;
* ``x if cond else y`` (evaluated element-wise with :func:`numpy.where`);
* calls of the functions in :data:`FUNCTIONS` only:
  ``min, max, abs, exp, log, sqrt, clip``.

Refused: attribute access, subscripts, any other call, lambdas, comprehensions, strings,
names starting with an underscore, formulas longer than :data:`MAX_LENGTH` characters or
nested deeper than :data:`MAX_DEPTH`, and constant exponents larger than
:data:`MAX_EXPONENT` in absolute value. All arithmetic is done in ``float64`` on whole
arrays (the game builder evaluates a chunk of profiles at a time); ``min``, ``max``,
comparison chains and ``and``/``or`` evaluate their arguments one by one, so a formula holds
at most about two intermediate arrays per level of nesting. Values that overflow become
``inf`` and are reported by the caller, never computed exactly.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from sim.errors import FormulaError

MAX_LENGTH = 10_000
"""Longest formula text accepted, in characters."""
MAX_DEPTH = 40
"""Deepest nesting of operations accepted."""
MAX_NODES = 2_000
"""Most syntax nodes accepted in one formula."""
MAX_EXPONENT = 64.0
"""Largest constant exponent (absolute value) accepted in ``a ** b``."""

Array = np.ndarray
Evaluator = Callable[[Mapping[str, Array]], Array]


def _clip(x: Array, lo: Array, hi: Array) -> Array:
    return np.clip(x, lo, hi)


def _reduce(op: Callable[[Array, Array], Array], parts: list[Evaluator],
            env: Mapping[str, Array]) -> Array:
    """``op`` folded over the parts, each evaluated only when needed: at most two
    intermediate arrays at a time, whatever the number of arguments."""
    out = parts[0](env)
    for part in parts[1:]:
        out = op(out, part(env))
    return out


_FOLDS: dict[str, Callable[[Array, Array], Array]] = {"min": np.minimum, "max": np.maximum}
"""Functions of any number of arguments, evaluated as folds (:func:`_reduce`)."""

FUNCTIONS: dict[str, tuple[Callable[..., Array], int, int | None]] = {
    # name: (function, fewest arguments, most arguments or None)
    "min": (np.minimum, 2, None),
    "max": (np.maximum, 2, None),
    "abs": (np.abs, 1, 1),
    "exp": (np.exp, 1, 1),
    "log": (np.log, 1, 1),
    "sqrt": (np.sqrt, 1, 1),
    "clip": (_clip, 3, 3),
}

_BINOPS: dict[type, Callable[[Array, Array], Array]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.FloorDiv: np.floor_divide,
    ast.Mod: np.mod,
    ast.Pow: np.power,
}
_CMPOPS: dict[type, Callable[[Array, Array], Array]] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}


@dataclass(frozen=True)
class Formula:
    """A checked formula: its text, the names it uses, and a compiled evaluator."""

    text: str
    names: frozenset[str]
    evaluate: Evaluator

    def __call__(self, env: Mapping[str, Array]) -> Array:
        with np.errstate(all="ignore"):
            return np.asarray(self.evaluate(env), dtype=float)


def parse_formula(text: str) -> Formula:
    """Check ``text`` against the whitelist and compile it.

    Raises
    ------
    FormulaError
        With a one-line reason when the text is not an allowed expression.
    """
    if not isinstance(text, str):
        msg = f"expected a formula string, got {type(text).__name__}"
        raise FormulaError(msg)
    if len(text) > MAX_LENGTH:
        msg = f"formula is {len(text)} characters long; the limit is {MAX_LENGTH}"
        raise FormulaError(msg)
    _check_characters(text)
    if _bracket_depth(text) > MAX_DEPTH:
        msg = f"formula is nested deeper than {MAX_DEPTH} brackets"
        raise FormulaError(msg)
    source = " ".join(text.split())  # formulas may span lines in TOML
    if not source:
        msg = "formula is empty"
        raise FormulaError(msg)
    try:
        tree = ast.parse(source, mode="eval")
    except (RecursionError, MemoryError):
        msg = f"formula is too deeply nested to parse (the limit is {MAX_DEPTH} levels)"
        raise FormulaError(msg) from None
    except (SyntaxError, ValueError) as exc:
        detail = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        msg = f"formula is not a valid expression ({detail})"
        raise FormulaError(msg) from None
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_NODES:
        msg = f"formula has {count} parts; the limit is {MAX_NODES}"
        raise FormulaError(msg)
    for sub in ast.walk(tree):  # report dunder and private names before anything else
        if isinstance(sub, ast.Name) and sub.id.startswith("_"):
            raise _refuse(sub, f"the name '{sub.id}' (names may not start with '_')")
        if isinstance(sub, ast.Attribute):
            raise _refuse(sub, f"attribute access ('.{sub.attr}')")
    names: set[str] = set()
    evaluate = _compile(tree.body, names, depth=0)
    return Formula(text=text, names=frozenset(names), evaluate=evaluate)


def _check_characters(text: str) -> None:
    """Refuse non-ASCII and control characters (look-alikes, NFKC tricks) and comments."""
    for i, ch in enumerate(text):
        if ch == "#":
            msg = (f"'#' at column {i + 1}: comments are not allowed inside a formula "
                   "(put them on their own TOML line)")
            raise FormulaError(msg)
        if not (ch.isascii() and (ch.isprintable() or ch in "\t\n\r")):
            msg = (f"character {ch!a} (U+{ord(ch):04X}) at column {i + 1} is not allowed "
                   "in a formula; formulas use ASCII names, numbers and operators")
            raise FormulaError(msg)


def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    return deepest


def _refuse(node: ast.AST, what: str) -> FormulaError:
    col = getattr(node, "col_offset", None)
    where = f" at column {col + 1}" if col is not None else ""
    return FormulaError(f"{what} is not allowed in a formula{where}")


def _compile(node: ast.AST, names: set[str], depth: int) -> Evaluator:
    if depth > MAX_DEPTH:
        msg = f"formula is nested deeper than {MAX_DEPTH} operations"
        raise FormulaError(msg)
    d = depth + 1
    match node:
        case ast.Constant(value=bool() | int() | float() as v):
            const = _literal(node, v)
            return lambda env: const
        case ast.Constant():
            raise _refuse(node, f"the constant {type(node.value).__name__}")
        case ast.Name(id=name):
            return _compile_name(node, name, names)
        case ast.BinOp(left=left, op=op, right=right) if type(op) in _BINOPS:
            if isinstance(op, ast.Pow):
                _check_exponent(right)
            f, lf, rf = _BINOPS[type(op)], _compile(left, names, d), _compile(right, names, d)
            return lambda env: f(lf(env), rf(env))
        case ast.UnaryOp(op=ast.USub(), operand=x):
            g = _compile(x, names, d)
            return lambda env: np.negative(g(env))
        case ast.UnaryOp(op=ast.UAdd(), operand=x):
            return _compile(x, names, d)
        case ast.UnaryOp(op=ast.Not(), operand=x):
            g = _compile(x, names, d)
            return lambda env: np.logical_not(g(env)).astype(float)
        case ast.BoolOp(op=op, values=values):
            parts = [_compile(v, names, d) for v in values]
            f = np.logical_and if isinstance(op, ast.And) else np.logical_or
            return lambda env: np.asarray(_reduce(f, parts, env), dtype=float)
        case ast.Compare(left=left, ops=ops, comparators=comps):
            return _compile_compare(node, left, ops, comps, names, d)
        case ast.IfExp(test=test, body=body, orelse=orelse):
            t, b, o = (_compile(x, names, d) for x in (test, body, orelse))
            return lambda env: np.where(np.asarray(t(env)) != 0, b(env), o(env))
        case ast.Call(func=ast.Name(id=fname), keywords=[_, *_]) if fname in FUNCTIONS:
            raise _refuse(node, f"a keyword argument in {fname}()")
        case ast.Call(func=ast.Name(id=fname), args=args) if fname in FUNCTIONS:
            return _compile_call(node, fname, args, names, d)
        case ast.Call(func=ast.Name(id=fname)):
            raise _refuse(node, f"calling '{fname}' (allowed: {', '.join(FUNCTIONS)})")
        case ast.Call():
            raise _refuse(node, "this function call")
        case ast.Attribute():
            raise _refuse(node, "attribute access")
        case ast.Subscript():
            raise _refuse(node, "subscripting")
        case ast.BinOp(op=op) | ast.UnaryOp(op=op):
            raise _refuse(node, f"the operator {type(op).__name__}")
        case ast.Lambda():
            raise _refuse(node, "lambda")
        case ast.ListComp() | ast.SetComp() | ast.DictComp() | ast.GeneratorExp():
            raise _refuse(node, "a comprehension")
        case _:
            raise _refuse(node, f"'{type(node).__name__}'")


def _literal(node: ast.AST, value: float) -> np.float64:
    """A number literal as float64; refuses one too large for a float (e.g. 1e309, 10**400)."""
    try:
        out = np.float64(float(value))
    except OverflowError:
        out = np.float64(np.inf)
    if not np.isfinite(out):
        raise _refuse(node, "a number literal too large for a float (above 1.8e308)")
    return out


def _compile_name(node: ast.AST, name: str, names: set[str]) -> Evaluator:
    if name.startswith("_"):
        raise _refuse(node, f"the name '{name}' (names may not start with '_')")
    if name in FUNCTIONS:
        raise _refuse(node, f"the function name '{name}' without a call")
    names.add(name)

    def lookup(env: Mapping[str, Array]) -> Array:
        try:
            return env[name]
        except KeyError:
            msg = f"unknown name '{name}' in a formula"
            raise FormulaError(msg) from None

    return lookup


def _check_exponent(node: ast.AST) -> None:
    value = _constant_value(node)
    if value is not None and abs(value) > MAX_EXPONENT:
        msg = f"exponent {value:g} is larger than the limit of {MAX_EXPONENT:g}"
        raise FormulaError(msg)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        msg = "a tower of exponents (a ** b ** c) is not allowed in a formula"
        raise FormulaError(msg)


def _constant_value(node: ast.AST) -> float | None:
    match node:
        case ast.Constant(value=bool() | int() | float() as v):
            return float(v) if abs(v) < 1e308 else float("inf")
        case ast.UnaryOp(op=ast.USub() | ast.UAdd() as op, operand=x):
            v = _constant_value(x)
            if v is None:
                return None
            return -v if isinstance(op, ast.USub) else v
    return None


def _compile_compare(
    node: ast.AST, left: ast.AST, ops: list[ast.cmpop], comps: list[ast.AST],
    names: set[str], d: int,
) -> Evaluator:
    for op in ops:
        if type(op) not in _CMPOPS:
            raise _refuse(node, f"the comparison '{type(op).__name__}'")
    terms = [_compile(x, names, d) for x in [left, *comps]]
    fs = [_CMPOPS[type(op)] for op in ops]

    def run(env: Mapping[str, Array]) -> Array:
        left = terms[0](env)  # a < b < c: each term evaluated once, two alive at a time
        out = None
        for f, term in zip(fs, terms[1:], strict=True):
            right = term(env)
            step = f(left, right)
            out = step if out is None else np.logical_and(out, step)
            left = right
        return np.asarray(out, dtype=float)

    return run


def _compile_call(
    node: ast.AST, fname: str, args: list[ast.AST], names: set[str], d: int
) -> Evaluator:
    f, lo, hi = FUNCTIONS[fname]
    if len(args) < lo or (hi is not None and len(args) > hi):
        want = str(lo) if hi == lo else f"at least {lo}" if hi is None else f"{lo} to {hi}"
        msg = f"{fname}() takes {want} arguments, got {len(args)}"
        raise FormulaError(msg)
    if any(isinstance(a, ast.Starred) for a in args):
        raise _refuse(node, "argument unpacking")
    parts = [_compile(a, names, d) for a in args]
    if fname in _FOLDS:
        fold = _FOLDS[fname]
        return lambda env: _reduce(fold, parts, env)
    return lambda env: f(*(p(env) for p in parts))
