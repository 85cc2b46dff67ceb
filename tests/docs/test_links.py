"""Relative links in docs/ and the README lead to files (and headings) that exist."""

from __future__ import annotations

import re

import pytest
from docblocks import DOCS, ROOT, doc_pages

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
PAGES = [*doc_pages(), ROOT / "README.md"]


def anchors(text: str) -> set[str]:
    """GitHub/MkDocs-style ids of a page's headings."""
    out = set()
    for line in text.splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            title = re.sub(r"[^\w\- ]", "", title)
            out.add(title.replace(" ", "-"))
    return out


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page):
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # links inside code are examples
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        missing_anchor = (dest.exists() and bool(anchor) and dest.suffix == ".md"
                          and anchor not in anchors(dest.read_text("utf-8")))
        if not dest.exists() or missing_anchor:
            broken.append(target)
    assert not broken, f"{page.relative_to(ROOT)}: broken links {broken}"


def test_index_links_every_page():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    missing = [str(p.relative_to(DOCS)) for p in doc_pages()
               if p.parent != DOCS and p.parent.name not in ("exercises", "instructor")
               and str(p.relative_to(DOCS)) not in index]
    assert not missing, f"docs/index.md does not link {missing}"
