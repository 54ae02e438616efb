"""The words of a page, read from its HTML evidence with beautifulsoup4.

Every step keeps the page's rendered HTML in the run folder (``screenshots/<path>-NN.html``, hashed in the
manifest): what a regulator shows beside the screenshot. Read back as text, it answers a question no
single run can: did the site change what its notice *says* between two audits? (``consent-audit diff``).
The reading needs no browser, so it works on evidence years old.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from auditor.evidence.run_folder import run_file

FIRST_PAGE = "screenshots/goal-01.html"  # the page a person meets before their first action
# Markup that is never read as page text by a person.
_NOT_TEXT = ["script", "style", "noscript", "template", "head", "svg", "canvas"]
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?…。])\s+")


def html_text(html: str) -> str:
    """The text of ``html`` a person could read, whitespace-collapsed: scripts, styles and elements hidden by
    attribute (``hidden``, ``aria-hidden``) or inline style are left out. Stylesheet rules are not applied:
    the markup cannot tell what a class hides, so this reads a page's words, not its layout."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_NOT_TEXT):
        tag.decompose()
    for tag in soup.find_all(lambda t: t.has_attr("hidden") or t.get("aria-hidden") == "true"
                             or bool(_HIDDEN_STYLE.search(t.get("style") or ""))):
        tag.decompose()
    return _SPACE.sub(" ", soup.get_text(" ")).strip()


def sentences(text: str) -> list[str]:
    """The text's sentences in order, each once."""
    return list(dict.fromkeys(s.strip() for s in _SENTENCE_END.split(text) if s.strip()))


def first_page_sentences(run_dir: Path) -> list[str] | None:
    """The sentences of the goal path's first page, or None when the run kept no HTML of it (runs made
    before HTML evidence existed, or a path that stopped before its first page)."""
    source = run_file(run_dir, FIRST_PAGE)
    if source is None:
        return None
    return sentences(html_text(source.read_text(encoding="utf-8", errors="replace")))
