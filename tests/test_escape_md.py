"""escape_md as one compiled substitution (big reports escape thousands of strings) escapes exactly what the
character-by-character version it replaced escaped: every Markdown metacharacter, the HTML specials, and the
GFM extended autolinks. The earlier version is kept below as the reference."""

from __future__ import annotations

import random
import re

import pytest

from auditor.report.markdown import escape_md

METACHARACTERS = "\\`*_{}[]()#!|~$"


def _escape_md_before(value: object) -> str:
    """escape_md as it was (session 20), character by character: the reference."""
    text = " ".join(re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", " ", "" if value is None else str(value)).split())
    html = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
    out = "".join(html.get(ch) or (f"\\{ch}" if ch in METACHARACTERS else ch) for ch in text)
    out = re.sub(r"(?<=[A-Za-z0-9]):(?=//)", r"\\:", out)
    out = re.sub(r"(?i)\b(www)\.", r"\1\\.", out)
    return out.replace("@", "\\@")


@pytest.mark.parametrize("ch", list(METACHARACTERS))
def test_every_markdown_metacharacter_is_backslash_escaped(ch):
    assert escape_md(f"a{ch}b") == f"a\\{ch}b"


@pytest.mark.parametrize("text, escaped", [
    ("<b>&amp;</b>", "&lt;b&gt;&amp;amp;&lt;/b&gt;"),
    ("see https://x.test and WWW.y.test or a@b.test", "see https\\://x.test and WWW\\.y.test or a\\@b.test"),
    ("wwww.x :// a://", "wwww.x :// a\\://"),  # only a word "www." and a "://" after a letter link
    ("line\n# heading\t\x1b[2J  - item", "line \\# heading \\[2J - item"),
    (None, ""),
])
def test_html_autolinks_and_whitespace(text, escaped):
    assert escape_md(text) == escaped


def test_same_output_as_the_character_by_character_version():
    alphabet = [*METACHARACTERS, *"abwW.:/@ &<>-+\n\t\x00\x1b\x85é字", "www.", "http://", "a@b", "WWW.", "&lt;"]
    rng = random.Random(20)
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert escape_md(text) == _escape_md_before(text), text
