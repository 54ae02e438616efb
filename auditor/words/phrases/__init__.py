"""Phrase lists of the wording heuristics, in every language the project targets, compiled once, on first use.

Each data module holds one concept as ``{language: [phrase, ...]}`` (data_kinds: ``{language: {kind:
[phrase, ...]}}``); this module compiles every concept into one case-insensitive, word-boundary-aware
pattern covering all languages (see ``_build`` for the phrase syntax), compiled the first time it is used
(``_lazy``: importing a heuristic costs no compilation). The heuristics search page text,
dialogs and field words with these patterns; whether a *control* is an accept, a refusal or a settings
link is the affordance classifier's question, not this package's.

Where the phrases come from: the wording of real consent libraries' translations (klaro, orejime,
tarteaucitron, vanilla-cookieconsent; their default texts are in tests/data/consent_library_texts.json
and must never match SHAMING, CONDITIONAL_OUTCOME or DOUBLE_NEGATIVE), the EDPB's and Brignull's
examples rendered the way sites in each language word them, and GDPR Art. 21 notices.

To add a language: add its code to ``_build.LANGUAGES``, a list to every concept's dict (a kind map to
``data_kinds.DATA_KINDS``), and a row to each table in tests/test_phrases_languages.py: one sentence per
concept that must match and one near miss that must not. Prefer precise multi-word phrases to single
words that over-match.
"""

from __future__ import annotations

import re
from functools import cache

from auditor.words.phrases import (
    hedging,
    identity,
    necessary,
    payment,
    refusal,
    shaming,
    verification,
)
from auditor.words.phrases._build import LANGUAGES, alternatives, phrase_regex
from auditor.words.phrases._lazy import LazyPattern
from auditor.words.phrases.data_kinds import DATA_KINDS as _KINDS_BY_LANGUAGE

# Quoted with a shaming phrase, so the reader sees what it says; ";" ends a Greek question.
_REST_OF_SENTENCE = r"[^.!?;\u037e\n]{0,50}"

# concept name -> {language: phrases}: what tests and coverage tables iterate over.
CONCEPTS: dict[str, dict[str, list[str]]] = {
    "refusal_text": refusal.REFUSAL_TEXT,
    "shaming": shaming.SHAMING,
    "conditional_outcome": hedging.CONDITIONAL_OUTCOME,
    "generic_hedge": hedging.GENERIC_HEDGE,
    "double_negative": hedging.DOUBLE_NEGATIVE,
    "code_field": verification.CODE_FIELD,
    "not_a_code": verification.NOT_A_CODE,
    "phone_field": verification.PHONE_FIELD,
    "id_document": verification.ID_DOCUMENT,
    "check_inbox": verification.CHECK_INBOX,
    "code_expiry": verification.CODE_EXPIRY,
    "postal_only": verification.POSTAL_ONLY,
    "greeting": identity.GREETING,
    "signed_in_as": identity.SIGNED_IN_AS,
    "log_out": identity.LOG_OUT,
    "identity_field": identity.IDENTITY_FIELD,
    "necessary": necessary.NECESSARY,
    "paid_alternative": payment.PAID_ALTERNATIVE,
}


def _lazy(by_language: dict[str, list[str]], after: str = "") -> LazyPattern:
    """``phrase_regex(by_language, after)``, compiled on first use (see ``_lazy``)."""
    return LazyPattern(lambda: phrase_regex(by_language, after))


REFUSAL_TEXT = _lazy(refusal.REFUSAL_TEXT)
SHAMING = _lazy(shaming.SHAMING, after=_REST_OF_SENTENCE)
CONDITIONAL_OUTCOME = _lazy(hedging.CONDITIONAL_OUTCOME)
GENERIC_HEDGE = _lazy(hedging.GENERIC_HEDGE)
DOUBLE_NEGATIVE = _lazy(hedging.DOUBLE_NEGATIVE)
CODE_FIELD = _lazy(verification.CODE_FIELD)
NOT_A_CODE = _lazy(verification.NOT_A_CODE)
PHONE_FIELD = _lazy(verification.PHONE_FIELD)
ID_DOCUMENT = _lazy(verification.ID_DOCUMENT)
CHECK_INBOX = _lazy(verification.CHECK_INBOX)
CODE_EXPIRY = _lazy(verification.CODE_EXPIRY)
POSTAL_ONLY = _lazy(verification.POSTAL_ONLY)
# A greeting followed by a name (the heuristic checks the name is capitalised: "Hi Alex", not "hi there").
GREETING = LazyPattern(lambda: re.compile(alternatives(identity.GREETING) + r",?\s+(?P<name>[^\W\d_][\w'-]*)"))
SIGNED_IN_AS = _lazy(identity.SIGNED_IN_AS)
LOG_OUT = _lazy(identity.LOG_OUT)
IDENTITY_FIELD = _lazy(identity.IDENTITY_FIELD)
NECESSARY = _lazy(necessary.NECESSARY)
PAID_ALTERNATIVE = _lazy(payment.PAID_ALTERNATIVE)


def _by_kind() -> dict[str, dict[str, list[str]]]:
    """data_kinds' language -> kind -> phrases, turned into kind -> language -> phrases."""
    out: dict[str, dict[str, list[str]]] = {}
    for lang, kinds in _KINDS_BY_LANGUAGE.items():
        for kind, phrases in kinds.items():
            out.setdefault(kind, {})[lang] = phrases
    return out


DATA_KIND_PHRASES = _by_kind()
# One pass over a page finds every kind's wording; which kind it is, is asked of the (rare) matches only.
ANY_DATA_KIND = _lazy({lang: [p for phrases in kinds.values() for p in phrases]
                       for lang, kinds in _KINDS_BY_LANGUAGE.items()})


@cache
def _kind_patterns() -> dict[str, re.Pattern]:
    return {kind: phrase_regex(by_language) for kind, by_language in DATA_KIND_PHRASES.items()}


def data_kind(wording: str) -> str | None:
    """The kind of data (posts, photos...) an ANY_DATA_KIND match names."""
    return next((kind for kind, rx in _kind_patterns().items() if rx.fullmatch(wording)), None)


__all__ = ["LANGUAGES", "CONCEPTS", "DATA_KIND_PHRASES", "REFUSAL_TEXT", "SHAMING", "CONDITIONAL_OUTCOME",
           "GENERIC_HEDGE", "DOUBLE_NEGATIVE", "CODE_FIELD", "NOT_A_CODE", "PHONE_FIELD", "ID_DOCUMENT",
           "CHECK_INBOX", "CODE_EXPIRY", "POSTAL_ONLY", "GREETING", "SIGNED_IN_AS", "LOG_OUT", "IDENTITY_FIELD",
           "NECESSARY", "PAID_ALTERNATIVE", "ANY_DATA_KIND", "data_kind"]
