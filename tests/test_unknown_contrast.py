"""A contrast that could not be measured is an incomplete check, never a pass (issue 13, contrast bullet).

Over a background image or gradient whose pixels could not be read, under a blur or a blend mode, the
snapshot records ``Element.contrast = None`` and ``contrast_unknown`` (why). hidden-affordance must not read
that as "no low_contrast signal, so fine": it records the reason as a figure and, when nothing fires, its
outcome is ``incomplete`` (not ``passed``), saying the contrast could not be measured. visual-asymmetry
must not call two controls "as prominent in contrast" when one contrast is unknown: it too is incomplete,
or notes it beside its finding. Hand-made traces first, then one real audit in Chromium.
"""

from __future__ import annotations

import shutil

import pytest

from auditor.judge.verdict import judge
from auditor.report.markdown import render_markdown
from heuristics import hidden_affordance, visual_asymmetry
from tests.conftest import FIXTURES
from tests.trace_factory import make_element, make_snapshot, make_step, make_trace

WHY = "the background behind the text is an image or gradient"
ACCEPT_BOX = make_element().box.model_copy(update={"x": 300})


def reject(**overrides):
    """A fair 'Reject all' button beside 'Accept all', but for what the test overrides."""
    return make_element(text="Reject all", path="#reject", **overrides)


def choice(refusal, accept=None):
    """One click on ``refusal`` beside an 'Accept all' button (or ``accept``); the baseline accepts."""
    accept = accept or make_element(text="Accept all", path="#accept", box=ACCEPT_BOX)
    snap = make_snapshot([refusal, accept])
    return make_trace([make_step(1, "click", refusal, snapshot=snap)],
                      baseline_steps=[make_step(1, "click", accept, snapshot=snap)])


def outcomes(trace):
    return {o.id: o for o in judge(trace).outcomes}


def what_was_checked(markdown: str) -> str:
    return markdown.split("## What was checked", 1)[1].split("\n## ", 1)[0].replace("\\-", "-")


# ---------------------------------------------------------------- hidden-affordance

def test_an_unmeasured_refusal_is_an_incomplete_check_not_a_pass():
    result = hidden_affordance.check(choice(reject(contrast=None, contrast_unknown=WHY)))
    assert result == []
    assert result.incomplete == f'the contrast of "Reject all" could not be measured ({WHY})'
    assert result.summary == "its other signals were checked: none fired"


def test_a_measured_refusal_passes_as_before():
    assert getattr(hidden_affordance.check(choice(reject())), "incomplete", "") == ""
    # an old trace, or a control without text: no contrast and no reason is not "could not be measured"
    assert getattr(hidden_affordance.check(choice(reject(contrast=None))), "incomplete", "") == ""
    assert outcomes(choice(reject()))["hidden-affordance"].outcome == "passed"


def test_the_report_lists_the_unmeasured_contrast_under_what_was_checked():
    trace = choice(reject(contrast=None, contrast_unknown=WHY))
    o = outcomes(trace)["hidden-affordance"]
    assert o.outcome == "incomplete" and "could not be measured" in o.incomplete
    assert o.text == "its other signals were checked: none fired"
    [row] = [line for line in what_was_checked(render_markdown(judge(trace))).splitlines()
             if line.startswith("| hidden-affordance |")]
    assert row.startswith('| hidden-affordance | incomplete | the contrast of "Reject all" could not be measured')


def test_a_refusal_that_fires_keeps_the_unmeasured_contrast_of_another_control_noted():
    """Two judged controls: one fires (tiny link text), the other's contrast is unknown. The outcome is
    fired (its finding stands) and still says what it could not measure."""
    link = make_element(tag="a", role="link", text="Manage options", path="#manage", has_fill=False,
                        in_prose=True, box=ACCEPT_BOX.model_copy(update={"y": 400}))
    unknown = reject(contrast=None, contrast_unknown=WHY)
    accept = make_element(text="Accept all", path="#accept", box=ACCEPT_BOX)
    snap = make_snapshot([link, unknown, accept])
    trace = make_trace([make_step(1, "click", link, snapshot=snap), make_step(2, "click", unknown, snapshot=snap)],
                       baseline_steps=[make_step(1, "click", accept, snapshot=snap)])
    result = hidden_affordance.check(trace)
    assert [f.step for f in result] == [1]
    assert result.incomplete == f'the contrast of "Reject all" could not be measured ({WHY})'
    o = outcomes(trace)["hidden-affordance"]
    assert (o.outcome, o.findings) == ("fired", 1) and o.incomplete == result.incomplete


def test_a_refusal_that_fires_for_other_reasons_carries_the_reason_as_a_figure():
    link = reject(tag="a", role="link", has_fill=False, in_prose=True, contrast=None, contrast_unknown=WHY)
    [f] = hidden_affordance.check(choice(link))
    assert f.measured["signals"] == ["looks_like_text", "in_prose"]  # unknown is no low_contrast signal
    assert (f.measured["contrast"], f.measured["contrast_unknown"]) == (None, WHY)
    assert f"Its text contrast could not be measured ({WHY})" in f.detail
    assert "| Why the text contrast could not be measured |" in render_markdown(judge(choice(link)))


def test_how_a_known_contrast_was_measured_is_recorded():
    link = reject(tag="a", role="link", has_fill=False, in_prose=True, contrast=1.14, contrast_source="pixels")
    [f] = hidden_affordance.check(choice(link))
    assert (f.measured["contrast"], f.measured["contrast_source"]) == (1.14, "pixels")
    assert "contrast_unknown" not in f.measured and "low_contrast" in f.measured["strong_signals"]


# ---------------------------------------------------------------- visual-asymmetry

def test_equal_controls_with_an_unknown_contrast_are_not_called_equal_in_contrast():
    trace = choice(reject(contrast=None, contrast_unknown=WHY))
    result = visual_asymmetry.check(trace)
    assert result == []
    assert "contrast" not in result.summary  # what it did compare: area, style, weight, size, position
    assert result.incomplete == f'contrast not compared ("Reject all": {WHY})'
    o = outcomes(trace)["visual-asymmetry"]
    assert (o.outcome, o.incomplete) == ("incomplete", result.incomplete)


def test_either_side_may_be_the_unmeasured_one():
    accept = make_element(text="Accept all", path="#accept", box=ACCEPT_BOX, contrast=None,
                          contrast_unknown="filter blur() on the text")
    result = visual_asymmetry.check(choice(reject(), accept))
    assert result.incomplete == 'contrast not compared ("Accept all": filter blur() on the text)'


def test_equal_controls_with_known_contrast_pass():
    """The control: the same pair with both contrasts measured passes, and says contrast was compared."""
    trace = choice(reject())
    result = visual_asymmetry.check(trace)
    assert result == [] and result.incomplete == "" and "in area, contrast, style" in result.summary
    assert outcomes(trace)["visual-asymmetry"].outcome == "passed"


def test_a_control_without_text_contrast_is_not_an_incomplete_check():
    """No text contrast and no reason (a control without text, an old trace): nothing failed to measure, so
    the pass stands, and the summary still does not claim contrast was compared."""
    result = visual_asymmetry.check(choice(reject(contrast=None)))
    assert result.incomplete == ""
    assert result.summary.endswith('; contrast not compared ("Reject all": no text contrast was measured)')


def test_a_weaker_refusal_with_an_unknown_contrast_says_contrast_was_not_compared():
    plain = reject(has_fill=False, contrast=None, contrast_unknown=WHY)
    [f] = visual_asymmetry.check(choice(plain))
    assert f.measured["weaker"] == ["style"]
    assert f.measured["opt_out_contrast_unknown"] == WHY and "accept_contrast_unknown" not in f.measured
    assert f'Contrast not compared ("Reject all": {WHY}).' in f.detail
    fired = visual_asymmetry.check(choice(plain))
    assert fired.incomplete == f'contrast not compared ("Reject all": {WHY})'  # its finding stands, noted
    # a measured pair carries no reason figure at all
    [measured] = visual_asymmetry.check(choice(reject(has_fill=False)))
    assert not any(k.endswith("contrast_unknown") for k in measured.measured)


# ---------------------------------------------------------------- in the real browser

# The fixtures' banner (contrast.css, consent.js) with a "Reject all" whose text is exactly the colour of
# the gradient behind it: the colours say "unknown" (a gradient), and the two photographs cannot tell the
# text from its background either, so the contrast stays unknown. A person sees no refusal at all.
UNREADABLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Daily Ledger</title>
<link rel="stylesheet" href="contrast.css">
<style>.flat { background: #0d0d0d linear-gradient(#f4f4f4, #f4f4f4); } .reject { color: #f4f4f4; }</style>
</head><body><header class="site">Daily Ledger</header><main>
<section class="banner flat" id="consent" aria-labelledby="consent-title">
  <h2 id="consent-title" style="color: #222">Your privacy choices</h2>
  <p style="color: #222">We and our 143 partners store and read cookies on your device.</p>
  <div class="actions">
    <button type="button" class="accept" id="accept">Accept all</button>
    <button type="button" class="reject" data-reject>Reject all</button>
  </div>
</section></main><script src="consent.js"></script></body></html>
"""
FLOW = """name: "Contrast: reject whose pixels cannot be read"
start: unreadable.html
goal: reject
path:
  - click: {role: button, name: "Reject all"}
done: {text: "Your choice is saved"}
baseline:
  path:
    - click: {role: button, name: "Accept all"}
  done: {gone: {text: "Your privacy choices"}}
"""


@pytest.mark.browser
def test_an_audit_reports_an_unreadable_refusal_as_not_measured(tmp_path):
    from auditor.flow.spec import load_flow
    from auditor.pipeline import audit

    site = tmp_path / "site"
    site.mkdir()
    for name in ("contrast.css", "consent.js"):
        shutil.copy(FIXTURES / "patterns13-contrast" / name, site / name)
    (site / "unreadable.html").write_text(UNREADABLE, encoding="utf-8")
    (site / "flow.yaml").write_text(FLOW, encoding="utf-8")

    result = audit(load_flow(site / "flow.yaml"), tmp_path / "run")
    trace, report = result.trace, result.report
    assert trace.goal.status == "complete", trace.goal.reason
    refusal = trace.goal.steps[0].target_element
    assert refusal.contrast is None and "could not be told apart" in refusal.contrast_unknown, refusal
    o = {o.id: o for o in report.outcomes}
    assert o["hidden-affordance"].outcome == "incomplete"  # nothing it could measure fired...
    assert "could not be measured" in o["hidden-affordance"].incomplete  # ...and it says what it could not
    section = what_was_checked(render_markdown(report))
    assert '| hidden-affordance | incomplete | the contrast of "Reject all" could not be measured' in section
    [va] = [f for f in report.findings if f.heuristic == "visual-asymmetry"]
    assert "Contrast not compared" in va.detail and "contrast" not in va.measured["weaker"]
    assert o["visual-asymmetry"].outcome == "fired" and "contrast not compared" in o["visual-asymmetry"].incomplete
    assert report.friction_is_lower_bound and report.heuristic_failures == []
