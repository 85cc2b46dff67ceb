"""The layering rules of ``sim/`` (docs/reference/architecture.md), read from the source.

Every ``import`` of every module of ``sim/`` is read with :mod:`ast` (module level, inside
functions and under ``TYPE_CHECKING`` alike: a lazy import is still a dependency), and the
rules are checked on that graph:

1. no import cycles between modules of ``sim/``;
2. ``sim/game.py`` and ``sim/solvers/`` import nothing else of ``sim/`` but ``sim.errors``
   (and each other);
3. ``sim/scenario/`` and ``sim/formats/`` do not import ``analyses``, ``render``, ``plots``,
   ``run``, ``api`` or ``cli``; ``sim/analyses/`` imports no ``render``, ``plots``, ``cli``,
   typer, matplotlib or rich; ``render``, ``plots``, ``run`` and ``api`` never import ``cli``;
   only ``sim/cli/`` imports typer;
4. limits are passed down, never set from outside: no ``setattr`` on a module;
5. no module of ``sim/`` over :data:`MAX_MODULE_LINES` lines, no function body (docstring
   included, signature not: a typer command's options are its signature) over
   :data:`MAX_FUNCTION_LINES`.

The violations that exist while the code moves to this layout are listed in ``ALLOWED``;
the test fails both on a new violation and on an entry that no longer occurs, so the list
can only shrink.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "sim"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60

# Violations left while the moves of docs/reference/architecture.md are under way: none
# now. Add no entry; an entry whose violation is gone fails the test below.
ALLOWED: frozenset[str] = frozenset()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sim_modules() -> dict[str, Path]:
    """Every module of ``sim/`` by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module of ``sim/`` that importing ``name`` loads (``None`` outside ``sim``)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(
    path: Path,
    modules: dict[str, Path],
    text: str | None = None,
) -> tuple[set[str], set[str]]:
    """``(modules of sim/ imported, top-level outside packages imported)`` by the module at
    ``path`` (whose source is ``text`` if given)."""
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text)
    own: set[str] = set()
    external: set[str] = set()
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            # `from sim.solvers import repeated` imports the module sim.solvers.repeated
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            if name == "sim" or name.startswith("sim."):
                target = _resolve(name, modules)
                # importing sim.a.b runs sim/a/__init__.py first: a dependency too, unless
                # sim.a is a package of this module (then it is already being imported)
                while target and target != "sim" and not here.startswith(f"{target}."):
                    if target != here:
                        own.add(target)
                    target = target.rpartition(".")[0]
            else:
                external.add(name.split(".")[0])
    return own, external


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    modules = sim_modules()
    own: dict[str, set[str]] = {}
    external: dict[str, set[str]] = {}
    for name, path in modules.items():
        own[name], external[name] = imports_of(path, modules)
    return own, external


def in_cycles(graph: dict[str, set[str]]) -> set[str]:
    """Modules that belong to an import cycle (a strongly connected component of two or
    more modules, Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[str] = set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.update(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def within(module: str, *layers: str) -> bool:
    return any(module == f"sim.{x}" or module.startswith(f"sim.{x}.") for x in layers)


FORBIDDEN = {  # layer -> layers of sim/ and outside packages it must not import
    ("scenario", "formats"): (("analyses", "render", "plots", "run", "api", "cli"), ()),
    ("analyses",): (("render", "plots", "cli", "run", "api"), ("typer", "matplotlib", "rich")),
    ("render", "plots", "run", "api"): (("cli",), ()),
}


def layer_violations(own: dict[str, set[str]], external: dict[str, set[str]]) -> Iterator[str]:
    for module, targets in own.items():
        if within(module, "game", "solvers"):
            for t in sorted(targets):
                if not within(t, "game", "solvers", "errors"):
                    yield f"core: {module} imports {t}"
        for layers, (banned, banned_external) in FORBIDDEN.items():
            if within(module, *layers):
                yield from (
                    f"layer: {module} imports {t}" for t in sorted(targets) if within(t, *banned)
                )
                yield from (
                    f"layer: {module} imports {x}"
                    for x in sorted(external[module] & set(banned_external))
                )
        if "typer" in external[module] and not within(module, "cli"):
            yield f"typer: {module}"


def _module_setattr(tree: ast.Module) -> bool:
    """Does the code call ``setattr`` on an imported module?"""
    module_names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            module_names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and ast.unparse(node.value.func).endswith("import_module")
        ):
            module_names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return any(
        isinstance(node, ast.Call)
        and ast.unparse(node.func) == "setattr"
        and node.args
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id in module_names
        for node in ast.walk(tree)
    )


def size_violations() -> Iterator[str]:
    for module, path in sim_modules().items():
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        if len(text.splitlines()) > MAX_MODULE_LINES:
            yield f"module over {MAX_MODULE_LINES} lines: {module}"
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.body[0].lineno + 1  # body, not signature
                if length > MAX_FUNCTION_LINES:
                    yield f"function over {MAX_FUNCTION_LINES} lines: {module}.{node.name}"
        if _module_setattr(tree):
            yield f"setattr on a module: {module}"


def violations() -> set[str]:
    own, external = import_graph()
    found = {f"cycle: {m}" for m in in_cycles(own)}
    found.update(layer_violations(own, external))
    found.update(size_violations())
    return found


def test_no_new_violations() -> None:
    new = sorted(violations() - ALLOWED)
    assert not new, "the layering rules are broken:\n" + "\n".join(new)


def test_allowed_violations_still_exist() -> None:
    """The allow-list only shrinks: a fixed violation must leave it."""
    gone = sorted(ALLOWED - violations())
    assert not gone, "fixed, so remove from ALLOWED:\n" + "\n".join(gone)


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, {"a", "b"}),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, set()),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}}, {"a", "b", "c"}),
    ],
)
def test_cycle_finder(graph: dict[str, set[str]], expected: set[str]) -> None:
    assert in_cycles(graph) == expected


def test_reads_relative_and_lazy_imports() -> None:
    modules = dict.fromkeys(["sim", "sim.a", "sim.b", "sim.pkg", "sim.pkg.c"], Path())
    text = (
        "from __future__ import annotations\n"
        "from . import b\n"
        "from sim import __version__\n"
        "def f():\n    from sim.pkg import c\n    import typer.core\n"
    )
    own, external = imports_of(PACKAGE / "a.py", modules, text)
    assert own == {"sim.b", "sim.pkg", "sim.pkg.c"}  # importing sim.pkg.c runs sim.pkg
    assert external == {"__future__", "typer"}


def test_every_module_imports_on_its_own() -> None:
    """Each module of sim/ imports first, in a fresh interpreter (no import-order cycle)."""
    script = (
        "import importlib, sys\n"
        "bad = []\n"
        "for name in sys.argv[1:]:\n"
        "    for loaded in [m for m in sys.modules if m == 'sim' or m.startswith('sim.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ModuleNotFoundError as exc:\n"
        "        if not (exc.name or 'sim').startswith('sim'):\n"
        "            continue  # an optional extra (e.g. starlette for serve) not installed\n"
        "        bad.append(f'{name}: {exc!r}')\n"
        "    except Exception as exc:\n"
        "        bad.append(f'{name}: {exc!r}')\n"
        "print('\\n'.join(bad))\n"
    )
    names = [m for m in sim_modules() if m != "sim" and not m.endswith("__main__")]
    out = subprocess.run([sys.executable, "-c", script, *names], capture_output=True,
                         text=True, cwd=ROOT, check=True, timeout=600)
    assert out.stdout.strip() == ""
