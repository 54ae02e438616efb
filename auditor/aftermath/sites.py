"""Which site a URL belongs to (first or third party), and which stored items are consent records."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlparse

# Names under which consent managers keep the choice (IAB TCF, GPP, OneTrust, Cookiebot, Didomi, ...): their
# values are kept in the trace so both paths' stored consent can be compared and decoded.
_CONSENT_NAME = re.compile(r"consent|gdpr|tcf|\bcmp|gpp|usprivacy|optanon|didomi|cookie_?pref|privacy", re.I)
_TWO_PART_SUFFIXES = {"co", "com", "net", "org", "gov", "ac", "edu", "ltd", "plc"}  # co.uk, com.au, ...


def site_of(url_or_host: str) -> str:
    """The registrable part of a host: ``a.b.example.co.uk`` -> ``example.co.uk``; an IP address or a
    single-label host (localhost) is its own site. An approximation of the Public Suffix List: good enough
    to tell a tracker's domain from the page's, and it keeps 127.0.0.1 and localhost apart as browsers do."""
    host = (urlparse(url_or_host).hostname if "//" in url_or_host else url_or_host) or ""
    host = host.lstrip(".").lower()
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) <= 2:
        return host
    keep = 3 if labels[-2] in _TWO_PART_SUFFIXES and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def is_consent_record(name: str) -> bool:
    return bool(_CONSENT_NAME.search(name))
