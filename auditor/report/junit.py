"""JUnit XML (junit.xml): one testcase per heuristic, a failure per finding at or above the gate.

CI systems that read JUnit (GitLab, Jenkins, Azure, GitHub test reporters) then show which rule failed
and why. Findings below the gate are listed in the testcase's system-out. A heuristic that raised is an
``<error>`` (it judged nothing: never a pass), one that was not applicable is ``<skipped>`` with what the
trace lacked, and one that passed says in its system-out what it checked. One whose check was incomplete
(it applied, but a measurement it needs could not be made) is neither skipped (it did apply) nor a failure
(nothing was found) nor an error (it did not crash): a testcase that counts as run, whose system-out
starts "incomplete:" with what could not be measured and what was checked; the suite's properties list
those heuristics under ``incomplete``, so a CI reader can find them without parsing text. Two more
testcases carry the whole-audit gates: ``audit-complete`` (an incomplete audit is an error, never a pass) and
``friction-score`` (the --max-friction gate, when set). A suppressed finding is never a failure: its
testcase lists it in system-out with the reason.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

from auditor.findings import severity_at_least
from auditor.report.model import (
    Report,
    finding_place,
    incomplete_checks,
    incomplete_text,
)

DEFAULT_GATE = "medium"
# XML 1.0 cannot carry most control characters, even escaped; page text may contain them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: object) -> str:
    return _INVALID_XML.sub("\ufffd", str(text))


def _finding_text(f) -> str:
    lines = [f"{f.number}. [{f.severity.upper()}] {f.title}", f"   at {finding_place(f)}" + (f" ({f.url})" if f.url else ""),
             f"   {f.detail}"]
    if f.flow_line:
        lines.append(f"   flow file line {f.flow_line}")
    if f.fix:
        lines.append(f"   fair design: {f.fix}")
    if f.suppressed_text:
        lines.append(f"   {f.suppressed_text} ({f.suppressed.source})")
    return "\n".join(lines)


def build_junit(report: Report, fail_on: str | None = None, max_friction: int | None = None) -> ET.Element:
    gate = fail_on or DEFAULT_GATE
    classname = f"consent-audit.{report.flow.name}"
    suite = ET.Element("testsuite", name=_clean(f"consent-audit: {report.flow.name}"))
    failures = errors = tests = skipped = 0
    outcomes = {o.id: o for o in report.outcomes}

    def case(name: str) -> ET.Element:
        nonlocal tests
        tests += 1
        return ET.SubElement(suite, "testcase", classname=_clean(classname), name=_clean(name), time="0")

    c = case("audit-complete")
    if not report.finished:
        errors += 1
        e = ET.SubElement(c, "error", message=_clean(f"audit {report.status}: {report.reason or 'unknown reason'}"),
                          type="incomplete")
        e.text = _clean("The figures cover only what was reached; they are not a verdict of low friction.")
    if max_friction is not None:
        c = case("friction-score")
        if report.friction > max_friction:
            failures += 1
            ET.SubElement(c, "failure", type="max-friction",
                          message=_clean(f"friction {report.friction} is above --max-friction {max_friction}")).text = \
                _clean("\n".join(_finding_text(f) for f in report.counted))
    ids = sorted({h.id for h in report.heuristics} | {f.heuristic for f in report.findings})
    for hid in ids:
        c = case(hid)
        mine = [f for f in report.findings if f.heuristic == hid]
        below = []
        for f in mine:
            if f.suppressed is None and severity_at_least(f.severity, gate):
                failures += 1
                ET.SubElement(c, "failure", type=f.severity,
                              message=_clean(f"finding {f.number} [{f.severity}]: {f.title}")).text = \
                    _clean(_finding_text(f))
            else:
                below.append(f)
        o = outcomes.get(hid)
        if o is not None and o.outcome == "error":
            errors += 1
            ET.SubElement(c, "error", type="heuristic-error",
                          message=_clean(f"heuristic {hid} raised {o.text}")).text = \
                _clean("It judged nothing: the friction score is a lower bound.")
        elif o is not None and o.outcome == "not-applicable":
            skipped += 1
            ET.SubElement(c, "skipped", message=_clean(f"not applicable: {o.text}"))
        out = [f"checked: {o.text}"] if o is not None and o.outcome == "passed" else []
        if o is not None and o.incomplete and o.outcome in ("incomplete", "fired"):
            out.insert(0, f"incomplete: {incomplete_text(o)} (the friction score is a lower bound)")
        muted = [f for f in below if f.suppressed is not None]
        below = [f for f in below if f.suppressed is None]
        if below:
            out.append(f"below the gate ({gate}):\n" + "\n".join(_finding_text(f) for f in below))
        if muted:
            out.append("suppressed (not failures):\n" + "\n".join(_finding_text(f) for f in muted))
        if out:
            ET.SubElement(c, "system-out").text = _clean("\n".join(out))
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    if report.started_at:
        suite.set("timestamp", report.started_at)
    props = ET.Element("properties")
    for name, value in (("friction", report.friction), ("status", report.status), ("gate", gate),
                        ("flow", report.flow.file or report.flow.name), ("start", report.flow.start)):
        ET.SubElement(props, "property", name=name, value=_clean(value))
    incomplete = [o.id for o in incomplete_checks(report)]
    if incomplete:
        ET.SubElement(props, "property", name="incomplete", value=_clean(", ".join(incomplete)))
    suite.insert(0, props)
    root = ET.Element("testsuites", name="consent-audit", tests=str(tests), failures=str(failures),
                      errors=str(errors), skipped=str(skipped))
    root.append(suite)
    return root


def render_junit(report: Report, fail_on: str | None = None, max_friction: int | None = None) -> str:
    root = build_junit(report, fail_on, max_friction)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(report: Report, run_dir: Path, fail_on: str | None = None, max_friction: int | None = None) -> Path:
    from auditor.evidence.atomic import write_text_atomic

    path = Path(run_dir) / "junit.xml"
    write_text_atomic(path, render_junit(report, fail_on, max_friction))
    return path
