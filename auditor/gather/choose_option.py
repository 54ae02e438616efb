"""Which option of a ``<select>`` a flow's ``select`` step means, as a person reading the flow would take it.

A flow author writes what they see or what they read in the page's source: the option's visible text, a
prefix of it ("Reject" for "Reject all purposes"), or its value. Matching only the exact visible text left
such flows waiting out the step timeout. The match is tried from the strictest to the loosest reading
(exact text, exact value, the same ignoring case, then a prefix of the text, then a part of it); a loose
reading must single out one option. When nothing fits, the flow does not fit the page: the step fails at
once (``flow-mismatch``), naming the options there are. Option texts come from the page: they are cut
short here and escaped by the reports that show them.
"""

from __future__ import annotations

import time

from playwright.sync_api import Locator

from auditor.gather.outcome import StepFailed

MAX_LISTED = 20  # options named in the reason when nothing matched
MAX_TEXT = 80  # characters of one option's text in the reason
OPTIONS_GRACE_S = 1.0  # options filled in by a script just after the select appeared

_OPTIONS_JS = """el => el instanceof HTMLSelectElement
  ? Array.from(el.options, o => ({label: (o.label || o.text || '').replace(/\\s+/g, ' ').trim(),
                                  value: o.value, disabled: o.disabled}))
  : null"""


def _readings(wanted: str):
    """(name of the reading, test on (label, value)), strictest first; the loose ones need a unique match."""
    w = " ".join(wanted.split())
    low = w.lower()
    return [
        ("exact text", lambda label, value: label == w, False),
        ("exact value", lambda label, value: value == wanted, False),
        ("text ignoring case", lambda label, value: label.lower() == low, False),
        ("value ignoring case", lambda label, value: value.lower() == low, False),
        ("start of the text", lambda label, value: bool(low) and label.lower().startswith(low), True),
        ("part of the text", lambda label, value: bool(low) and low in label.lower(), True),
    ]


def _quote(text: str) -> str:
    text = text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"
    return '"' + text.replace('"', "'") + '"'


def _listing(options: list[dict]) -> str:
    shown = [f"{_quote(o['label'])} (value {_quote(o['value'])}{', disabled' if o['disabled'] else ''})"
             for o in options[:MAX_LISTED]]
    more = f", and {len(options) - MAX_LISTED} more" if len(options) > MAX_LISTED else ""
    return "; ".join(shown) + more if shown else "none"


def match_option(options: list[dict], wanted: str) -> tuple[dict | None, str]:
    """(the option ``wanted`` means, or None; how it was read, or why nothing fits)."""
    enabled = [o for o in options if not o["disabled"]]
    for name, fits, loose in _readings(wanted):
        hits = [o for o in enabled if fits(o["label"], o["value"])]
        if len(hits) == 1 or (hits and not loose):
            return hits[0], name
        if len(hits) > 1:
            return None, (f"{_quote(wanted)} matches the {name} of {len(hits)} options of the select "
                          f"({_listing(hits)}); give one option's whole text or its value")
    return None, (f"no option of the select matches {_quote(wanted)} (by text, value or part of the text); "
                  f"its options: {_listing(options)}")


def select_option(locator: Locator, wanted: str, timeout_s: float) -> str | None:
    """Selects the option ``wanted`` means; returns a note when it was not an exact text match. Raises
    StepFailed(flow-mismatch) when no option fits, after a short grace for options still being added."""
    ms = timeout_s * 1000
    end = time.monotonic() + min(OPTIONS_GRACE_S, timeout_s)
    while True:
        options = locator.evaluate(_OPTIONS_JS, timeout=ms)
        if options is None:  # not a <select> (a custom list box): Playwright's own matching says what it can
            locator.select_option(label=wanted, timeout=ms)
            return None
        option, how = match_option(options, wanted)
        if option is not None or time.monotonic() >= end:
            break
        locator.page.wait_for_timeout(100)
    if option is None:
        raise StepFailed("flow-mismatch", f"select: {how}")
    locator.select_option(value=option["value"], timeout=ms)
    if how == "exact text":
        return None
    return f"select: {_quote(wanted)} was read as the {how} of the option {_quote(option['label'])}"
