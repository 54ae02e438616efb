"""What each path left behind after the choice, classified, and the two paths side by side.

Pure: reads ``PathTrace.aftermath`` only, so ``rescore`` re-judges a saved trace with refreshed lists.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from auditor.aftermath.classify import cookie_info, is_tracker, TRACKING_CATEGORIES
from auditor.aftermath.sites import is_consent_record, site_of
from auditor.aftermath.tcf import TcString, decode
from auditor.trace import AfterCapture, Aftermath, FlowTrace, PathTrace


class TrackingCookie(BaseModel):
    name: str
    domain: str
    category: str
    controller: str
    set_before_choice: bool = Field(description="already there before the first step")


class PathConsequences(BaseModel):
    """One path after its choice: known tracking cookies and storage keys (Open Cookie Database), requests
    EasyPrivacy lists, the stored consent and its decoded TC string, and whether the prompt came back."""

    kind: str
    captured: bool = Field(description="the capture after the choice exists (the done condition held)")
    tracking_cookies: list[TrackingCookie] = Field(default_factory=list)
    tracker_requests: list[str] = Field(default_factory=list, description="after the choice or the reload")
    tracker_requests_before: list[str] = Field(default_factory=list)
    consent_records: dict[str, str] = Field(default_factory=dict, description="name -> value digest")
    tc_string: TcString | None = None
    gpp_string: str | None = None
    prompt_returned: bool | None = None


class Comparison(BaseModel):
    goal: PathConsequences | None = None
    baseline: PathConsequences | None = None

    @property
    def same_stored_consent(self) -> bool:
        """The refusal stored exactly what the acceptance stored, under every name both stored."""
        if not (self.goal and self.baseline and self.goal.consent_records and self.baseline.consent_records):
            return False
        shared = self.goal.consent_records.keys() & self.baseline.consent_records.keys()
        return bool(shared) and all(self.goal.consent_records[k] == self.baseline.consent_records[k] for k in shared)


def _later(a: Aftermath) -> list[AfterCapture]:
    return [c for c in (a.after, a.reload) if c is not None]


def _tracking_cookies(a: Aftermath) -> list[TrackingCookie]:
    before = {(c.name, c.domain) for c in (a.before.cookies if a.before else [])} | \
             {(s.key, s.origin) for s in (a.before.storage if a.before else [])}
    found: dict[tuple[str, str], TrackingCookie] = {}
    for cap in _later(a):
        named = [(c.name, c.domain) for c in cap.cookies] + [(s.key, s.origin) for s in cap.storage]
        for name, where in named:
            info = cookie_info(name, site_of(where))
            if info is not None and info.category in TRACKING_CATEGORIES:
                found.setdefault((name, where), TrackingCookie(
                    name=name[:100], domain=where[:100], category=info.category, controller=info.controller[:60],
                    set_before_choice=(name, where) in before))
    return list(found.values())


def _trackers(caps: list[AfterCapture], start: str) -> list[str]:
    urls: list[str] = []
    for cap in caps:
        for r in cap.third_party_requests:
            if r.url not in urls and is_tracker(r.url, r.frame_url or start, r.resource_type):
                urls.append(r.url)
    return urls


def _consent(caps: list[AfterCapture]) -> tuple[dict[str, str], TcString | None, str | None]:
    records: dict[str, str] = {}
    tc = gpp = None
    for cap in caps:  # the last capture wins: after the reload the page may have rewritten its record
        values = [(c.name, c.value_sha256, c.value) for c in cap.cookies] + \
                 [(s.key, s.value_sha256, s.value) for s in cap.storage]
        for name, digest, value in values:
            if is_consent_record(name):
                records[name] = digest
                tc = (decode(value, name) if value else None) or tc
        if "tcfapi" in cap.consent_strings:
            tc = decode(cap.consent_strings["tcfapi"], "tcfapi") or tc
        gpp = cap.consent_strings.get("gpp", gpp)
    return records, tc, gpp


def consequences(path: PathTrace) -> PathConsequences | None:
    a = path.aftermath
    if a is None:
        return None
    after = [a.after] if a.after is not None else []
    records, tc, gpp = _consent(after)  # what the choice stored, before any reload rewrites it
    return PathConsequences(
        kind=path.kind, captured=a.after is not None, tracking_cookies=_tracking_cookies(a),
        tracker_requests=_trackers(_later(a), path.start),
        tracker_requests_before=_trackers([a.before] if a.before else [], path.start),
        consent_records=records, tc_string=tc, gpp_string=gpp, prompt_returned=a.prompt_returned)


def compare(trace: FlowTrace) -> Comparison:
    return Comparison(goal=consequences(trace.goal),
                      baseline=consequences(trace.baseline) if trace.baseline is not None else None)
