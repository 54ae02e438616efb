"""IAB TCF v2 TC strings, decoded with the kept library ``iab-tcf`` into what a choice granted.

A TC string is found under the ``euconsent-v2`` cookie, any consent record whose value decodes as one, or
the page's ``__tcfapi('getTCData')`` answer. GPP strings (``__gpp``) are recorded raw: no maintained Python
decoder of GPP exists on PyPI (checked for this version), so they are compared, not decoded.
"""

from __future__ import annotations

import re

import iab_tcf
from pydantic import BaseModel, Field

_TC_SHAPE = re.compile(r"^C[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]+)*$")  # v2 strings start with 6 bits = 2


class TcString(BaseModel):
    """What one TC string says: the purposes consented to and claimed under legitimate interest, and vendors."""

    source: str = Field(description="where it was found: a cookie or storage key, or 'tcfapi'")
    cmp_id: int = 0
    policy_version: int = 0
    purposes_consent: list[int] = Field(default_factory=list)
    purposes_legitimate_interest: list[int] = Field(default_factory=list)
    special_features: list[int] = Field(default_factory=list)
    vendors_consent: list[int] = Field(default_factory=list)
    vendors_legitimate_interest: list[int] = Field(default_factory=list)


def _on(bits: dict | None) -> list[int]:
    return sorted(k for k, v in (bits or {}).items() if v)


def _vendors(bitfield: dict | None, ranges: list | None) -> list[int]:
    ids = set(_on(bitfield))
    for entry in ranges or ():
        low, high = entry if isinstance(entry, tuple) else (entry, entry)
        ids.update(range(low, min(high, low + 5000) + 1))  # a hostile range cannot blow up the trace
    return sorted(ids)


def looks_like_tc_string(value: str) -> bool:
    return bool(_TC_SHAPE.match(value.strip()))


def decode(value: str, source: str) -> TcString | None:
    """The TC string's content, or None when ``value`` is no decodable TCF v2 string (untrusted input:
    any error of the decoder means "not a TC string")."""
    value = value.strip()
    if not looks_like_tc_string(value):
        return None
    try:
        c = iab_tcf.decode_v2(value)
    except Exception:  # the decoder raises anything on malformed bits
        return None
    if c.version != 2 or not 1 <= c.tcf_policy_version <= 15:  # random base64 starting with C also "decodes"
        return None
    return TcString(
        source=source, cmp_id=c.cmp_id, policy_version=c.tcf_policy_version,
        purposes_consent=_on(c.purposes_consent), purposes_legitimate_interest=_on(c.purposes_legitimate_interests),
        special_features=_on(c.special_features_optin),
        vendors_consent=_vendors(getattr(c, "consented_vendors", None), getattr(c, "consented_vendors_range", None)),
        vendors_legitimate_interest=_vendors(getattr(c, "interests_vendors", None),
                                             getattr(c, "interests_vendors_range", None)))
