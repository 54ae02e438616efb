"""Known trackers and tracking cookies, from maintained lists (auditor/aftermath_data/SOURCES.md).

Requests are matched against EasyPrivacy with braveblock (Brave's adblock-rust engine); cookies are looked
up in the Open Cookie Database by exact name, then by its wildcard prefixes. An entry the database ties to
one site without calling it third-party (``sessionid`` of instagram.com, ``NID`` of google.com) names that
site's own cookie and matches only there: a Django ``sessionid`` elsewhere is no Meta cookie. Both lists
are loaded once, lazily (about 0.3 s), and only by the judge: the gatherer records raw data.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import braveblock

from auditor.aftermath.sites import site_of

# The Open Cookie Database's categories that need consent (ePrivacy Art. 5(3)): not Functional, Security or
# Necessary ones.
TRACKING_CATEGORIES = frozenset({"Marketing", "Analytics", "Personalization"})
# Playwright's resource types -> adblock-rust's request types.
_REQUEST_TYPES = {"script": "script", "image": "image", "stylesheet": "stylesheet", "xhr": "xmlhttprequest",
                  "fetch": "xmlhttprequest", "document": "sub_frame", "ping": "ping", "media": "media",
                  "font": "font", "websocket": "websocket", "beacon": "ping"}


@dataclass(frozen=True)
class CookieInfo:
    category: str
    controller: str
    only_on: frozenset[str] = frozenset()  # the sites the entry is limited to (empty: any site)

    def fits(self, site: str | None) -> bool:
        return not self.only_on or site is None or site in self.only_on


def _only_on(domain: str) -> frozenset[str]:
    if not domain.strip() or "3rd party" in domain:
        return frozenset()
    return frozenset(site_of(d) for d in re.split(r"[,\s]+", domain) if "." in d)


def _data(name: str) -> bytes:
    return gzip.decompress(files("auditor.aftermath_data").joinpath(name).read_bytes())


@lru_cache(maxsize=1)
def _blocker() -> braveblock.Adblocker:
    rules = _data("easyprivacy.txt.gz").decode("utf-8").splitlines()
    return braveblock.Adblocker(rules=rules, include_easylist=False, include_easyprivacy=False)


@lru_cache(maxsize=1)
def _cookie_index() -> tuple[dict[str, list[CookieInfo]], tuple[tuple[str, CookieInfo], ...]]:
    exact: dict[str, list[CookieInfo]] = {}
    prefixes: list[tuple[str, CookieInfo]] = []
    for entries in json.loads(_data("open-cookie-database.json.gz")).values():
        for e in entries:
            name = (e.get("cookie") or "").strip().lower()
            if not name:
                continue
            info = CookieInfo(e.get("category", ""), e.get("dataController", ""), _only_on(e.get("domain") or ""))
            if e.get("wildcardMatch") == "1":
                prefixes.append((name, info))
            else:
                exact.setdefault(name, []).append(info)
    prefixes.sort(key=lambda p: -len(p[0]))  # the longest prefix is the most specific
    return exact, tuple(prefixes)


def is_tracker(url: str, page_url: str, resource_type: str = "") -> bool:
    """EasyPrivacy blocks this request when ``page_url`` makes it."""
    kind = _REQUEST_TYPES.get(resource_type, "other")
    return _blocker().check_network_urls(url=url, source_url=page_url, request_type=kind)


def cookie_info(name: str, site: str | None = None) -> CookieInfo | None:
    """The Open Cookie Database's entry for a cookie (or storage key) name set for ``site``."""
    exact, prefixes = _cookie_index()
    key = name.strip().lower()
    found = [info for info in exact.get(key, ()) if info.fits(site)]
    found += [info for prefix, info in prefixes if key.startswith(prefix) and info.fits(site)]
    return found[0] if found else None


def is_tracking_cookie(name: str, site: str | None = None) -> bool:
    info = cookie_info(name, site)
    return info is not None and info.category in TRACKING_CATEGORIES
