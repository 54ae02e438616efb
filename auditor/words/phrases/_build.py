"""Compile per-language phrase lists into one case-insensitive, word-boundary-aware regular expression.

A phrase is a small regular-expression fragment written as a person would type it, lower case:

- a space matches any run of whitespace (including the no-break space pages put between words);
- an apostrophe matches ' and ’ (French l'/d', Italian dell', Catalan d', Maltese tal-/ta', Irish d');
- a Greek vowel with or without its accent matches both (Chromium drops the accent of upper-cased Greek);
- Romanian ș/ț match both the comma-below and the older cedilla forms (ş/ţ);
- the whole phrase must start and end at a word boundary (Unicode letters: Greek, Cyrillic, ħ, ż...), so
  "ok" does not match "book"; write ``\\w*`` where a word may go on (stems of inflected languages).

Phrases are tried longest first (within their first letter), so the quote is the fullest wording.
"""

from __future__ import annotations

import re

# The languages the project targets: the 24 official EU languages, Catalan and Norwegian (Bokmål).
LANGUAGES = ("bg", "ca", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv",
             "mt", "nl", "no", "pl", "pt", "ro", "sk", "sl", "sv")

_VARIANTS = {"'": "'’", "ș": "șş", "ş": "șş", "ț": "țţ", "ţ": "țţ"}
_GREEK = dict(zip("άέήίόύώϊϋΐΰ", "αεηιουωιιιυ"))
for _accented, _plain in _GREEK.items():
    _VARIANTS[_accented] = _accented + _plain
    _VARIANTS[_plain] = "".join(dict.fromkeys(_plain + "".join(a for a, p in _GREEK.items() if p == _plain)))


def _expand(fragment: str) -> str:
    """The fragment with spaces, apostrophes, Greek accents and Romanian commas made lenient."""
    out, in_class, escaped = [], False, False
    for ch in fragment:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif ch == "[" and not in_class:
            out.append(ch)
            in_class = True
        elif ch == "]" and in_class:
            out.append(ch)
            in_class = False
        elif ch == " " and not in_class:
            out.append(r"\s+")
        elif ch in _VARIANTS:
            variants = _VARIANTS[ch]
            out.append(variants if in_class else f"[{variants}]")
        else:
            out.append(ch)
    return "".join(out)


def _first_letters(ch: str) -> str:
    """Every character a phrase's first letter ``ch`` matches: its variants, in both cases."""
    variants = _VARIANTS.get(ch, ch)
    return "".join(dict.fromkeys(variants + variants.upper()))


def _closing_paren(fragment: str, start: int) -> int:
    """The index of the ")" closing the group that opens at ``start`` (escapes and classes skipped)."""
    depth, in_class, i = 0, False, start
    while i < len(fragment):
        ch = fragment[i]
        if ch == "\\":
            i += 1
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced group in phrase {fragment!r}")


def _top_level_split(inner: str) -> list[str]:
    """``inner`` split at its top-level "|"."""
    parts, depth, in_class, current, escaped = [], 0, False, [], False
    for ch in inner:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    return parts + ["".join(current)]


def _unfold(phrase: str) -> list[str]:
    """A phrase that opens with a group, "(?:a|b)c" or "(?:a )?c", as the phrases "ac", "bc" (and "c"), so
    that each starts with a letter and can be grouped by it; other phrases as they are."""
    if not phrase.startswith("(?:"):
        return [phrase]
    end = _closing_paren(phrase, 0)
    if phrase[end + 1: end + 2] in {"*", "+", "{"}:  # a repeated group: left as it is
        return [phrase]
    optional = phrase[end + 1: end + 2] == "?"
    rest = phrase[end + 2:] if optional else phrase[end + 1:]
    heads = _top_level_split(phrase[3:end]) + ([""] if optional else [])
    return [unfolded for head in heads for unfolded in _unfold(head + rest)]


def _grouped(phrases: list[str]) -> str:
    """The phrases as one case-insensitive alternation, grouped by first letter.

    Speed matters: the pattern is tried at every word start of a 50,000-character page, and hundreds of
    phrases make hundreds of branches. A branch that starts with a plain character set, outside any
    case-insensitive flag, is skipped by the regex engine in one comparison; so each group starts with
    its first letter in both cases (``[aA]``) and only the rest is case-insensitive.
    """
    groups: dict[str, list[str]] = {}
    for p in sorted(dict.fromkeys(u for phrase in phrases for u in _unfold(phrase)), key=len, reverse=True):
        first = p[:1].lower()
        plain = first.isalpha() and p[1:2] not in {"?", "*", "+", "{"}
        groups.setdefault(_first_letters(first) if plain else "", []).append(p[1:] if plain else p)
    branches = [f"[{letters}](?i:{'|'.join(_expand(r) for r in rests)})"
                for letters, rests in groups.items() if letters]
    if "" in groups:  # phrases that start with a group or a class
        branches.append(f"(?i:{'|'.join(_expand(p) for p in groups[''])})")
    return "|".join(branches)


def alternatives(by_language: dict[str, list[str]]) -> str:
    """The phrases of every language as one bounded, case-insensitive alternation (to embed in a larger pattern)."""
    unknown = set(by_language) - set(LANGUAGES)
    if unknown:
        raise ValueError(f"unknown language code(s): {sorted(unknown)}")
    phrases = dict.fromkeys(p for lang in LANGUAGES for p in by_language.get(lang, ()))
    return rf"(?<!\w)(?:{_grouped(list(phrases))})(?!\w)"


def phrase_regex(by_language: dict[str, list[str]], after: str = "") -> re.Pattern:
    """One case-insensitive pattern for all languages' phrases; ``after`` (a raw regex, case-sensitive
    unless it says otherwise) follows the match, e.g. the rest of the sentence to quote."""
    return re.compile(alternatives(by_language) + after)
