"""After the choice (issue 16, item 4): classification with the vendored lists, TC string decoding, the
choice-not-respected heuristic on hand-made traces, and the four fixtures in the real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.trace_factory import make_element, make_step, make_trace

from auditor.aftermath.classify import cookie_info, is_tracker, is_tracking_cookie
from auditor.aftermath.compare import compare
from auditor.aftermath.sites import site_of
from auditor.aftermath.tcf import decode
from auditor.report.consent_string import markdown
from auditor.trace import AfterCapture, Aftermath, SeenCookie, SeenRequest
from heuristics import choice_not_respected
from heuristics.registry import get, run_one

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "aftermath"
# Encoded with @iabtcf/core 1.5.6 (fixtures/aftermath/site.js): a refusal still granting purposes 1, 3, 4.
GRANTS = "CQdWToAQdWToAEsABAENCWEgALAAAELAAAYgGMwAgF5gMZAAAAAA.YAAAAAAAAAAA"
REFUSED = "CQdWToAQdWToAEsABAENCWEgAAAAAAAAAAYgAAAAAAAA.YAAAAAAAAAAA"
TRACKER = "http://localhost:8000/collect?v=2&tid=G-X&en=page_view"


def test_known_tracking_cookies_come_from_the_cookie_database():
    assert cookie_info("_ga").category == "Analytics" and cookie_info("_fbp").category == "Marketing"
    assert is_tracking_cookie("_ga_ABC123", "example.com")  # a wildcard entry of the database
    assert not is_tracking_cookie("PHPSESSID", "example.com")  # Functional
    # the database ties "sessionid" to instagram.com: a Django session elsewhere is not Meta's cookie
    assert not is_tracking_cookie("sessionid", "example.com") and is_tracking_cookie("sessionid", "instagram.com")


def test_tracker_requests_are_matched_with_easyprivacy():
    assert is_tracker("https://www.google-analytics.com/analytics.js", "https://news.example/", "script")
    assert is_tracker(TRACKER, "http://127.0.0.1:8000/", "image")
    assert not is_tracker("http://localhost:8000/app.js", "http://127.0.0.1:8000/", "script")


def test_sites_tell_first_from_third_party():
    assert site_of("https://a.b.example.co.uk/x") == "example.co.uk"
    assert site_of("http://127.0.0.1:5000/") != site_of("http://localhost:5000/")
    assert site_of(".www.google.com") == "google.com"


def test_tc_strings_decode_into_purposes_and_vendors():
    tc = decode(GRANTS, "euconsent-v2")
    assert (tc.purposes_consent, tc.purposes_legitimate_interest, tc.vendors_consent) == ([1, 3, 4], [2, 7, 9, 10],
                                                                                          [755, 793])
    assert decode(REFUSED, "x").purposes_consent == []
    assert decode("Cgarbage_not_a_string_AAAAAAAA", "x") is None and decode("yes", "x") is None


def _trace(goal: Aftermath | None, baseline: Aftermath | None = None):
    trace = make_trace([make_step(1, "click", target_element=make_element(text="Reject all"))],
                       baseline_steps=[make_step(1, "click", target_element=make_element(text="Accept all"))])
    trace.goal.aftermath = goal
    if trace.baseline is not None:
        trace.baseline.aftermath = baseline
    return trace


def _after(cookies=(), requests=(), tcfapi=None, prompt=False) -> Aftermath:
    cap = AfterCapture(moment="after-choice", cookies=list(cookies), third_party_requests=list(requests),
                       consent_strings={"tcfapi": tcfapi} if tcfapi else {})
    return Aftermath(site="127.0.0.1", before=AfterCapture(moment="before-choice"), after=cap,
                     reload=AfterCapture(moment="after-reload"), prompt_returned=prompt)


def _cookie(name, value="v"):
    return SeenCookie(name=name, domain="127.0.0.1", value_sha256=value, value=value if "consent" in name else None)


def test_tracking_after_refusal_fires_high_with_the_evidence():
    [f] = choice_not_respected.check(_trace(_after([_cookie("_ga")], [SeenRequest(url=TRACKER, resource_type="image")])))
    assert f.severity == "high" and f.measured["tracking_cookies"] == ["_ga"]
    assert f.measured["tracker_requests"] == [TRACKER]


def test_a_tc_string_granting_purposes_after_refusal_fires():
    [f] = choice_not_respected.check(_trace(_after(tcfapi=GRANTS)))
    assert f.measured["tc_purposes_consent"] == [1, 3, 4] and "legitimate interest" in f.detail


def test_the_same_stored_consent_as_accepting_fires():
    same = [_cookie("cookieconsent_status", "allow")]
    [f] = choice_not_respected.check(_trace(_after(same), _after(same)))
    assert f.measured["same_consent_as_accepting"] == ["cookieconsent_status"]


def test_a_prompt_back_after_reload_alone_is_medium():
    [f] = choice_not_respected.check(_trace(_after(prompt=True), _after(prompt=False)))
    assert f.severity == "medium" and f.measured == {"prompt_returned": True}


def test_a_prompt_back_after_both_choices_is_not_charged():
    """A page that remembers neither choice (or a first step on a link that is always there) asks everyone
    alike: only forgetting the refusal where acceptance is remembered is charged."""
    trace = _trace(_after(prompt=True), _after(prompt=True))
    assert run_one(get("choice-not-respected"), trace).kind == "passed"
    assert run_one(get("choice-not-respected"), _trace(_after(prompt=True))).kind == "passed"  # no baseline


def test_a_respected_refusal_passes_and_no_capture_is_not_applicable():
    trace = _trace(_after([_cookie("PHPSESSID")], tcfapi=REFUSED), _after([_cookie("_ga")], tcfapi=GRANTS))
    assert run_one(get("choice-not-respected"), trace).kind == "passed"
    assert run_one(get("choice-not-respected"), _trace(None)).kind == "not-applicable"
    uncaptured = _trace(Aftermath(site="x", notes=["the done condition did not hold"]))
    assert run_one(get("choice-not-respected"), uncaptured).kind == "not-applicable"


def test_the_consent_comparison_renders_side_by_side():
    text = markdown(compare(_trace(_after(tcfapi=GRANTS), _after([_cookie("_ga_x|<b>")], tcfapi=REFUSED))))
    assert "| Purposes consented (TCF) | 1, 3, 4 | none |" in text
    assert "\\_ga\\_x\\|&lt;b&gt;" in text  # page-derived names are escaped (escape_md)


@pytest.fixture(scope="module")
def audits(tmp_path_factory):
    from auditor.flow.spec import load_flow
    from auditor.gather.driver import run_flow
    from auditor.gather.session import browser_session

    out = {}
    with browser_session() as session:
        for name in ("tracker-after-reject", "reprompt", "tcf-refusal-grants", "honest"):
            flow = load_flow(FIXTURES / f"{name}.yaml")
            out[name] = run_flow(flow, tmp_path_factory.mktemp(name), session=session)
    return out


@pytest.mark.browser
def test_fixtures_give_the_documented_result(audits):
    outcome = {name: run_one(get("choice-not-respected"), trace) for name, trace in audits.items()}
    assert {n: o.kind for n, o in outcome.items()} == {"tracker-after-reject": "fired", "reprompt": "fired",
                                                       "tcf-refusal-grants": "fired", "honest": "passed"}
    tracker = outcome["tracker-after-reject"].findings[0].measured
    assert tracker["tracking_cookies"] == ["_ga"] and "/collect?v=2" in tracker["tracker_requests"][0]
    assert outcome["reprompt"].findings[0].measured == {"prompt_returned": True}
    assert outcome["tcf-refusal-grants"].findings[0].measured["tc_purposes_consent"] == [1, 3, 4]


@pytest.mark.browser
def test_both_paths_are_captured_before_after_and_on_reload(audits):
    trace = audits["honest"]
    for path in (trace.goal, trace.baseline):
        a = path.aftermath
        assert a.before and a.after and a.reload and a.prompt_returned is False and not a.notes
    assert trace.baseline.aftermath.after.third_party_requests  # accepting loads the tracker
    cmp = compare(trace)
    assert cmp.goal.tc_string.purposes_consent == [] and cmp.baseline.tc_string.purposes_consent[:3] == [1, 2, 3]
    assert trace.goal.aftermath.seconds < 5


def _cookie_comparison():
    return compare(_trace(_after(tcfapi=GRANTS), _after([_cookie("_ga_x|<b>*y*")], tcfapi=REFUSED)))


def test_consent_rows_are_plain_text_for_every_renderer():
    from auditor.report.consent_string import rows

    cookies = next(r for r in rows(_cookie_comparison()) if r[0] == "Tracking cookies")
    assert cookies == ("Tracking cookies", "none", "_ga_x|<b>*y*")


def test_the_html_report_shows_no_markdown_escapes_and_still_escapes_html(tmp_path):
    from tests.report_factory import make_report

    from auditor.report.html import render_html

    html = render_html(make_report(after_choice=_cookie_comparison()), tmp_path)
    section = html[html.index('<section id="after-choice">'):]
    section = section[:section.index("</section>")]
    assert "<td>_ga_x|&lt;b&gt;*y*</td>" in section  # as the page named it, HTML-escaped once
    assert "\\" not in section and "&amp;lt;" not in section and "<b>" not in section
