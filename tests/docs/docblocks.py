"""Read the docs' Markdown: fenced code blocks, answer-key sources and checked numbers.

Conventions (documented in docs/reference/docs-conventions.md):

* ```` ```sh ```` blocks are shell commands run by ``tests/docs/test_doc_examples.py``;
  ```` ```console ```` blocks hold ``$ command`` lines followed by the output they print (every
  non-empty output line shown must appear, in order); ```` ```python ```` blocks are run in
  order, one namespace per page. A block right after ``<!-- no-test: why -->`` is not run
  (only install steps use it).
* In an exercise's answer key, ``<!-- answers NAME -->`` right before a ```` ```sh ```` block
  makes the JSON printed by that ``tradesim`` command the source NAME, and a checked number is
  written ``**0.5**<!-- NAME: json.path -->`` (or ``{path} * {path}`` arithmetic, or text such
  as ``**yes**`` for a boolean): ``tests/docs/test_answer_keys.py`` recomputes it.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

FENCE = re.compile(r"^(?P<indent> {0,3})```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
                   re.DOTALL | re.MULTILINE)
NO_TEST = re.compile(r"<!--\s*no-test\b[^>]*-->\s*$")
SOURCE = re.compile(r"<!--\s*answers\s+(?P<name>[\w-]+)\s*-->\s*$")
MARK = re.compile(r"\*\*(?P<shown>[^*\n]+?)\*\*<!--\s*(?P<src>[\w-]+):\s*(?P<expr>.*?)\s*-->")
TOKEN = re.compile(r"\[(?P<idx>-?\d+)\]|\[(?P<key>[^=\]]+)=(?P<val>[^\]]*)\]|(?P<name>[^.\[\]]+)")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    lang: str
    body: str
    skip: bool
    source: str | None  # answer-key source name, if any

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        before = text[:m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        src = SOURCE.search(before)
        out.append(Block(path=path, line=text.count("\n", 0, m.start()) + 1,
                         lang=m.group("lang").lower(), body=m.group("body"),
                         skip=bool(NO_TEST.search(before)),
                         source=src.group("name") if src else None))
    return out


def doc_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def commands(body: str) -> list[str]:
    """Shell lines of a block, with backslash continuations joined and comments dropped."""
    out, current = [], ""
    for raw in body.splitlines():
        line = raw.rstrip()
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        out.append(current + line)
        current = ""
    return out


def tradesim_args(command: str) -> list[str]:
    words = shlex.split(command, comments=True)
    if not words or words[0] != "tradesim":
        msg = f"an answer source must be one tradesim command, got: {command}"
        raise ValueError(msg)
    return words[1:]


# --------------------------------------------------------------------------- checked numbers


@dataclass(frozen=True)
class Mark:
    shown: str
    source: str
    expr: str
    line: int


def marks(path: Path) -> list[Mark]:
    text = path.read_text(encoding="utf-8")
    return [Mark(m.group("shown").strip(), m.group("src"), m.group("expr"),
                 text.count("\n", 0, m.start()) + 1) for m in MARK.finditer(text)]


def lookup(data: Any, path: str) -> Any:
    """``a.b[0].c[label=x / y].d`` in a JSON document."""
    value = data
    for t in TOKEN.finditer(path.strip()):
        if t.group("idx") is not None:
            value = value[int(t.group("idx"))]
        elif t.group("key") is not None:
            key, want = t.group("key").strip(), t.group("val").strip()
            hits = [v for v in value if str(v.get(key)) == want]
            if len(hits) != 1:
                msg = f"[{key}={want}] matches {len(hits)} entries in {path}"
                raise KeyError(msg)
            value = hits[0]
        else:
            value = value[t.group("name").strip()]
    return value


ARITH = re.compile(r"^[\d\s.eE+\-*/()]+$")


def evaluate(data: Any, expr: str) -> Any:
    """A path, or arithmetic over ``{path}`` values."""
    if "{" not in expr:
        return lookup(data, expr)
    text = re.sub(r"\{([^}]*)\}", lambda m: repr(float(lookup(data, m.group(1)))), expr)
    if not ARITH.match(text):
        msg = f"not plain arithmetic after substitution: {text}"
        raise ValueError(msg)
    return eval(text, {"__builtins__": {}}, {})  # digits and operators only (checked above)


def agrees(shown: str, value: Any) -> bool:
    """Does the number (or word) written in the key agree with the tool's value?

    A number written with ``d`` decimals agrees when the value rounds to it (within half a
    unit of its last digit); ``%`` means the value is a fraction shown in percent.
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        word = {True: "yes", False: "no", None: "never"}.get(value, value)  # type: ignore[arg-type]
        return shown.lower() == str(word).lower()
    text = shown.replace("−", "-").replace(",", "")
    scale = 1.0
    if text.endswith("%"):
        text, scale = text[:-1], 100.0
    decimals = len(text.split(".")[1]) if "." in text else 0
    try:
        written = float(text)
    except ValueError:
        return False
    return math.isfinite(value) and abs(value * scale - written) <= 0.5 * 10 ** -decimals + 1e-9


def parse_json(output: str) -> Any:
    return json.loads(output)
