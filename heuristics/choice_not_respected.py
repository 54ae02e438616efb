"""choice-not-respected: after the person refused, the site tracks them anyway, or asks again.

What it does
    Reads what the goal path's browser held and sent after the refusal (``PathTrace.aftermath``: cookies,
    localStorage and sessionStorage of every frame, and third-party requests, after the done condition
    and after one reload; auditor/gather/aftermath.py), classified with maintained, vendored lists
    (auditor/aftermath_data/SOURCES.md). It fires when, after refusing:

    - **tracking cookies** are there: names the Open Cookie Database files under Marketing, Analytics or
      Personalization (``_ga``, ``_fbp``, ...), whether set after the choice or set before it and kept;
    - **tracker requests** persist or start: third-party requests EasyPrivacy lists, after the choice or
      after the reload;
    - the **stored consent** is the same as after accepting (the baseline): the refusal was not recorded;
    - the **TC string** (IAB TCF v2, from the ``euconsent-v2`` cookie, a consent record or
      ``__tcfapi``) still grants consent to purposes; purposes claimed under legitimate interest are listed
      beside them;
    - the **prompt comes back** after a reload following the refusal but not following acceptance: the
      refusal alone was forgotten, so the person who refused is asked again (reported here, not by
      ``nagging``, because the evidence is this capture's reload). A page that remembers neither choice
      asks everyone alike and is not charged.

    Severity **high** when tracking goes on; **medium** when the only fact is the prompt coming back. One
    finding. Not applicable when the audit did not capture the after-choice state (``settings.after_choice``
    off, or the done condition never held).

Why is this bad?
    A refusal that changes nothing is no choice. Storing or reading tracking identifiers on the device
    needs consent (ePrivacy Directive Art. 5(3)); consent must be a freely given, unambiguous indication
    (GDPR Art. 4(11)) that can be refused as easily as given (GDPR Art. 7(3)); and processing on a refused
    consent has no lawful basis (GDPR Art. 6(1)). A TC string saying "consent" after "Reject all" passes
    a false signal to every vendor downstream. Asking again on every visit wears people down: the EDPB's
    *Continuous prompting* (4.1.1).

What a fair design does
    After "Reject all", loads no tracker and sets no tracking cookie, deletes the ones set before the
    choice, stores a record of the refusal that says "refused" (a TC string with no purpose consented),
    and remembers it: the prompt does not come back on the next page load.
"""

from __future__ import annotations

from auditor.aftermath.compare import Comparison, compare
from auditor.findings import Finding
from auditor.trace import FlowTrace
from heuristics.base import Checked, Evidence, HeuristicMeta, NotApplicable, TracePart, figure, finding


class Measured(Evidence):
    tracking_cookies: list[str] = figure("Tracking cookies after the refusal")
    tracker_requests: list[str] = figure("Requests to trackers after the refusal")
    same_consent_as_accepting: list[str] = figure("Consent records identical to those after accepting")
    tc_purposes_consent: list[int] = figure("TC string: purposes with consent")
    tc_purposes_legitimate_interest: list[int] = figure("TC string: purposes claimed as legitimate interest")
    tc_vendors_consent: list[int] = figure("TC string: vendors with consent")
    prompt_returned: bool = figure("Prompt shown again after a reload")


META = HeuristicMeta(
    id="choice-not-respected",
    title="After you refuse, the site tracks you anyway or asks again",
    severity="high",
    measures="tracking cookies, tracker requests, the stored consent and its TC string after the refusal, "
    "and whether the prompt returns on reload",
    why="A refusal that changes nothing is no choice: tracking identifiers need consent (ePrivacy Art. 5(3)), "
    "consent must be unambiguous and as easy to refuse as to give (GDPR Art. 4(11), 7(3)), and a TC string "
    "saying 'consent' after 'Reject all' misleads every vendor downstream.",
    edpb=("4.1.1 Continuous prompting", "4.4.3 Misleading action"),
    provisions=("ePrivacy Art. 5(3)", "GDPR Art. 4(11)", "GDPR Art. 6(1)", "GDPR Art. 7(3)"),
    fix="After 'Reject all' load no tracker and set no tracking cookie, delete those set before the choice, "
    "store a refusal that says so, and do not ask again on the next visit.",
    tags=("after-the-choice", "tracking", "tcf"),
    requires=(TracePart.AFTERMATH,),
    evidence=Measured,
)

MAX_LISTED = 10


def _facts(cmp: Comparison) -> tuple[list[str], dict, bool]:
    goal = cmp.goal
    facts: list[str] = []
    measured: dict = {}
    tracking = False
    if goal.tracking_cookies:
        tracking = True
        kept = [c for c in goal.tracking_cookies if c.set_before_choice]
        new = [c for c in goal.tracking_cookies if not c.set_before_choice]
        if new:
            facts.append("tracking cookies set after the refusal: " + ", ".join(
                f"{c.name} ({c.category}, {c.controller})" for c in new[:MAX_LISTED]))
        if kept:
            facts.append("tracking cookies set before the choice and kept after it: " + ", ".join(
                f"{c.name} ({c.category}, {c.controller})" for c in kept[:MAX_LISTED]))
        measured["tracking_cookies"] = [c.name for c in goal.tracking_cookies[:MAX_LISTED]]
    if goal.tracker_requests:
        tracking = True
        facts.append(f"{len(goal.tracker_requests)} request(s) to trackers on EasyPrivacy after the refusal, "
                     f"e.g. {goal.tracker_requests[0][:120]}")
        measured["tracker_requests"] = [u[:200] for u in goal.tracker_requests[:MAX_LISTED]]
    if cmp.same_stored_consent:
        tracking = True
        facts.append("the stored consent record is the same as after accepting: "
                     + ", ".join(sorted(goal.consent_records)[:MAX_LISTED]))
        measured["same_consent_as_accepting"] = sorted(goal.consent_records)[:MAX_LISTED]
    tc = goal.tc_string
    if tc is not None and tc.purposes_consent:
        tracking = True
        li = f"; legitimate interest claimed for purposes {tc.purposes_legitimate_interest}" \
            if tc.purposes_legitimate_interest else ""
        facts.append(f"the TC string ({tc.source}) grants consent to purposes {tc.purposes_consent} and "
                     f"{len(tc.vendors_consent)} vendor(s){li}")
        measured |= {"tc_purposes_consent": tc.purposes_consent,
                     "tc_purposes_legitimate_interest": tc.purposes_legitimate_interest,
                     "tc_vendors_consent": tc.vendors_consent[:50]}
    if goal.prompt_returned and cmp.baseline is not None and cmp.baseline.prompt_returned is False:
        # Only against acceptance: a page that remembers neither choice (or whose first step clicks a link
        # that is always there) asks everyone again alike; forgetting only the refusal is the pressure.
        facts.append("after a reload the consent prompt was shown again, although after accepting it was not: "
                     "the refusal was not remembered")
        measured["prompt_returned"] = True
    return facts, measured, tracking


def check(trace: FlowTrace) -> list[Finding]:
    cmp = compare(trace)
    if cmp.goal is None or not cmp.goal.captured:  # declared in META.requires; kept for direct callers
        raise NotApplicable(TracePart.AFTERMATH.absent)
    facts, measured, tracking = _facts(cmp)
    if not facts:
        return Checked(summary="after the refusal: no tracking cookie, no tracker request, no consent granted "
                               "in a TC string, and the prompt did not return on reload")
    title = ("After you refuse, the site tracks you anyway" if tracking
             else "After you refuse, the site asks again on the next page load")
    return [finding(META, title=title, severity="high" if tracking else "medium", path="goal",
                    detail="After the refusal: " + "; ".join(facts) + ".", measured=measured)]
