"""The choice a page keeps: cookies of the context and local/session storage of every frame.

Read before the first click and after every click; what changed is the stored choice. Values carry
time stamps and random ids (a consent id, a date) that differ between two identical choices, so choices
are compared in a normalised form with numbers and long hex ids blanked out. How much a stored choice
grants is read from its content: true-like flags ("true", "yes", "granted", 1 in a flag) and the names
listed as accepted categories, so a refusal can be told from an acceptance without knowing the library.
"""

from __future__ import annotations

import json
import re
import urllib.parse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

_STORAGE_JS = """() => { const out = {};
  for (const [name, st] of [['localStorage', () => localStorage], ['sessionStorage', () => sessionStorage]]) {
    try { const s = st(); for (let i = 0; i < s.length; i++) { const k = s.key(i); out[k] = s.getItem(k); } } catch (e) {}
  }
  return out; }"""

_VOLATILE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|\d+(\.\d+)?",
                       re.IGNORECASE)
_GRANTING_WORDS = re.compile(r"\b(true|yes|granted|allow(ed)?|accept(ed)?|opt-?in)\b", re.IGNORECASE)
_REFUSING_WORDS = re.compile(r"\b(false|no|denied|deny|reject(ed)?|refused|opt-?out)\b", re.IGNORECASE)


def read_stored(page: Page) -> dict[str, str]:
    """name -> value of every cookie in the context and every storage entry of every frame."""
    found: dict[str, str] = {}
    try:
        for cookie in page.context.cookies():
            found[cookie["name"]] = cookie["value"]
    except PlaywrightError:
        pass
    for frame in page.frames:
        try:
            found.update(frame.evaluate(_STORAGE_JS))
        except PlaywrightError:
            continue
    return found


def changed(before: dict[str, str], after: dict[str, str]) -> dict[str, str]:
    """Entries new or different after (a removed entry is stored as the empty string)."""
    diff = {k: v for k, v in after.items() if before.get(k) != v}
    diff.update({k: "" for k in before if k not in after})
    return diff


def normalised(value: str) -> str:
    text = urllib.parse.unquote(value or "")
    return _VOLATILE.sub("#", text)


def same_choice(a: dict[str, str], b: dict[str, str]) -> bool:
    """Whether two stored choices say the same once time stamps and ids are blanked."""
    return {k: normalised(v) for k, v in a.items()} == {k: normalised(v) for k, v in b.items()}


def _grants(data) -> int:
    if isinstance(data, bool):
        return int(data)
    if isinstance(data, str):
        return len(_GRANTING_WORDS.findall(data))
    if isinstance(data, dict):
        return sum(_grants(v) for v in data.values())
    if isinstance(data, list):  # a list of names: the accepted categories, as vanilla-cookieconsent stores them
        return sum(1 if isinstance(v, str) and not _REFUSING_WORDS.search(v) else _grants(v) for v in data)
    return 0


_PAIR = re.compile(r"([\w.-]+)\s*[=:]\s*([\w-]+)")
_REFUSING_VALUE = re.compile(r"^(false|no|0|denied|deny|rejected|refused|off|opt-?out)$", re.IGNORECASE)


def _leaves(data, path: str, out: dict[str, str]) -> None:
    if isinstance(data, dict):
        for k, v in data.items():
            _leaves(v, f"{path}/{k}", out)
    elif isinstance(data, list) and all(isinstance(v, str) for v in data):
        for v in data:  # a list of names: membership is the flag (vanilla-cookieconsent's categories)
            out[f"{path}/{v}"] = "true"
    elif isinstance(data, list):
        for i, v in enumerate(data):
            _leaves(v, f"{path}/{i}", out)
    else:
        out[path] = str(data).lower() if isinstance(data, bool) else str(data)


def leaves(choice: dict[str, str]) -> dict[str, str]:
    """Path -> value of every flag in a stored choice: JSON leaves, or ``name=value`` pairs in other text."""
    out: dict[str, str] = {}
    for key, value in choice.items():
        text = urllib.parse.unquote(value or "")
        try:
            _leaves(json.loads(text), key, out)
            continue
        except ValueError:
            pass
        pairs = _PAIR.findall(text)
        if pairs:
            for name, flag in pairs:
                out[f"{key}/{name}"] = flag
        else:
            out[key] = text
    return out


def refuses_all_granted(choice: dict[str, str], acceptance: dict[str, str]) -> bool:
    """Every flag acceptance grants is refused (false, no, denied; or left out of a list of names) or keeps
    acceptance's value (a purpose nobody can refuse: "necessary", a session flag). A flag left undecided
    ("wait", as tarteaucitron stores a purpose nobody answered) is no refusal."""
    mine, theirs = leaves(choice), leaves(acceptance)
    for path, value in theirs.items():
        if not _GRANTING_WORDS.fullmatch(value):
            continue
        now = mine.get(path)
        if now is None or _REFUSING_VALUE.match(now) or now == value:
            continue
        return False
    return True


def granted(choice: dict[str, str]) -> int:
    """How much a stored choice grants: true-like flags and accepted category names, over all entries."""
    total = 0
    for value in choice.values():
        text = urllib.parse.unquote(value or "")
        try:
            total += _grants(json.loads(text))
        except ValueError:
            total += len(_GRANTING_WORDS.findall(text))
    return total
