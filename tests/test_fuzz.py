"""Property-based tests: bad input never crashes the auditor.

- any YAML document (random data, random text, random mutations of a valid flow) given to parse_flow
  ends in a flow or a FlowError, never another exception;
- any trace (random elements with random fields, random steps and paths) given to every heuristic, to
  judge() and to every renderer ends in findings and reports, never an exception.

Deterministic (derandomize=True) and small enough for CI: ~150 examples per property (CI settings).
"""

from __future__ import annotations

import copy
import io
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from auditor.flow.spec import GOALS, LOCATOR_KEYS, STEP_KINDS, FlowError, parse_flow
from auditor.trace import Box, Dialog, Element, FlowInfo, FlowTrace, PathTrace, Snapshot, StepTrace
from tests.test_flow_files import GOOD

# Per test, not a global profile: other test modules keep their own hypothesis settings.
CI = settings(max_examples=150, deadline=None, derandomize=True, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- flows -------------------------------------------------------------------------------------------------

FLOW_WORDS = ["name", "start", "goal", "identity", "path", "done", "baseline", "settings", "timeout", "value",
              "key", "url", "seconds", "gone", "exact", "step_timeout", "flow_timeout", "dialogs", "viewport",
              "allow_real_identity", "prompt_answer", *STEP_KINDS, *LOCATOR_KEYS, *GOALS]
keys = st.one_of(st.sampled_from(FLOW_WORDS), st.text(max_size=8))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
                    st.sampled_from(["notice.html", "http://127.0.0.1:9/x", "{identity.email}", "{identity.}",
                                     "a@b.com", "Accept", "", "-1", "1e999", "file:///etc/passwd"]))
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(keys, inner, max_size=6)), max_leaves=25)


def _parse(text: str) -> None:
    try:
        parse_flow(text, "fuzz.yaml")
    except FlowError as exc:
        message = str(exc)
        assert message.startswith("fuzz.yaml") and "\n" not in message.split(": ", 1)[0]


@CI
@given(documents)
def test_random_documents_give_a_flow_or_a_flow_error(doc):
    _parse(yaml.safe_dump(doc, allow_unicode=True))


@CI
@given(st.text(alphabet=string.printable + "äé€\u2028", max_size=300))
def test_random_text_gives_a_flow_or_a_flow_error(text):
    _parse(text)


GOOD_DOC = yaml.safe_load(GOOD)


def _paths(node, here=()):
    yield here
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, here + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, here + (i,))


@CI
@given(st.data())
def test_mutated_valid_flow_gives_a_flow_or_a_flow_error(data):
    doc = copy.deepcopy(GOOD_DOC)
    for _ in range(data.draw(st.integers(1, 4))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        where = data.draw(st.sampled_from(paths))
        parent = doc
        for part in where[:-1]:
            parent = parent[part]
        op = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if op == "replace":
            parent[where[-1]] = data.draw(documents)
        elif op == "delete":
            del parent[where[-1]]
        elif isinstance(parent, dict):
            parent[data.draw(keys)] = data.draw(documents)
        else:
            parent.insert(where[-1], data.draw(documents))
    _parse(yaml.safe_dump(doc, allow_unicode=True))


# --- traces ------------------------------------------------------------------------------------------------

finite = st.floats(-1e6, 1e6, allow_nan=False)
small_text = st.text(max_size=40)
colours = st.one_of(st.sampled_from(["rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgba(0, 0, 0, 0)", "transparent",
                                     "rgb(0 0 0 / 50%)", "color(srgb 1 0 0)", "", "red", "rgb(300, -4, 1)"]),
                    small_text)
boxes = st.builds(Box, x=finite, y=finite, width=finite, height=finite)

elements = st.builds(
    Element, index=st.just(0), tag=st.one_of(st.sampled_from(["a", "button", "input", "select", "textarea", "div",
                                                             "summary", "span", "label"]), small_text),
    role=st.one_of(st.sampled_from(["button", "link", "checkbox", "textbox", ""]), small_text),
    text=small_text, name=small_text, href=st.none() | small_text, box=st.none() | boxes, visible=st.booleans(),
    in_viewport=st.booleans(), color=colours, background=colours,
    contrast=st.none() | st.floats(0, 30, allow_nan=False), font_size=st.floats(0, 200, allow_nan=False),
    font_weight=st.integers(0, 1000), opacity=st.floats(0, 1), text_decoration=small_text,
    has_fill=st.booleans(), has_border=st.booleans(), cursor=small_text, in_prose=st.booleans(),
    covered=st.booleans(), in_shadow=st.booleans(), in_iframe=st.booleans(), in_closed_details=st.booleans(),
    disabled=st.booleans(), type=st.none() | st.sampled_from(["text", "email", "checkbox", "radio", "textarea"]),
    label=st.none() | small_text, placeholder=st.none() | small_text, required=st.booleans(),
    minlength=st.none() | st.integers(-5, 10_000), maxlength=st.none() | st.integers(-5, 10_000),
    value=st.none() | small_text, checked=st.none() | st.booleans(), path=small_text)


@st.composite
def snapshots(draw):
    els = draw(st.lists(elements, max_size=6))
    els = [e.model_copy(update={"index": i}) for i, e in enumerate(els)]
    return Snapshot(url=draw(small_text), title=draw(small_text), viewport=draw(boxes),
                    page_width=draw(finite), page_height=draw(finite), text=draw(st.text(max_size=200)),
                    elements=els, truncated=draw(st.booleans()))


specs = st.one_of(
    st.builds(lambda a, k, v: {a: {k: v}}, st.sampled_from(STEP_KINDS), st.sampled_from([*LOCATOR_KEYS, "key", "url",
                                                                                          "value", "seconds"]),
              small_text),
    st.dictionaries(small_text, st.none() | small_text | st.integers(), max_size=2))
dialogs = st.builds(Dialog, kind=st.sampled_from(["alert", "confirm", "prompt", "beforeunload"]) | small_text,
                    message=small_text, answer=st.sampled_from(["accept", "dismiss"]))


@st.composite
def steps(draw, number):
    snap = draw(st.none() | snapshots())
    n = len(snap.elements) if snap else 0
    return StepTrace(
        number=number, action=draw(st.sampled_from(STEP_KINDS) | small_text), spec=draw(specs),
        flow_line=draw(st.none() | st.integers(-1, 10_000)), url=draw(small_text), url_after=draw(small_text),
        snapshot=snap, target=draw(st.none() | st.integers(-2, n + 2)),
        screenshot=draw(st.none() | st.just(f"screenshots/goal-{number:02d}.png")),
        clicks=draw(st.integers(0, 30)), typed_chars=draw(st.integers(0, 5000)), page_loads=draw(st.integers(0, 20)),
        dialogs=draw(st.lists(dialogs, max_size=3)), warnings=draw(st.lists(small_text, max_size=3)),
        duration_ms=draw(st.floats(0, 1e7)), find_ms=draw(st.none() | st.floats(0, 1e7)),
        action_ms=draw(st.none() | st.floats(0, 1e7)), error=draw(st.none() | small_text))


@st.composite
def paths(draw, kind):
    count = draw(st.integers(0, 5))
    status = draw(st.sampled_from(["complete", "incomplete", "goal-unreachable"]))
    return PathTrace(
        kind=kind, start=draw(small_text), steps=[draw(steps(i + 1)) for i in range(count)],
        final=draw(st.none() | snapshots()), final_screenshot=draw(st.none() | st.just("screenshots/final.png")),
        done=status == "complete", status=status, reason=draw(st.none() | small_text),
        failure=None if status == "complete" else draw(st.sampled_from(
            [None, "flow-mismatch", "page-fault", "timeout", "interrupted"])),
        failed_step=draw(st.none() | st.integers(-1, count + 2)))


@st.composite
def traces(draw):
    return FlowTrace(flow=FlowInfo(name=draw(small_text), goal=draw(st.sampled_from(GOALS) | small_text),
                                   start=draw(small_text), file=draw(st.none() | small_text)),
                     goal=draw(paths("goal")), baseline=draw(st.none() | paths("baseline")))


@CI
@given(traces())
def test_every_heuristic_survives_any_trace(trace):
    from heuristics.registry import all_heuristics, run_one

    FlowTrace.model_validate_json(trace.model_dump_json())  # what rescore would load
    for h in all_heuristics():  # through the runner: a missing part is not-applicable, a crash is an error
        outcome = run_one(h, trace)
        if outcome.kind == "error":
            pytest.fail(f"heuristic {h.id} crashed: {outcome.text}")


@CI
@given(traces())
def test_judge_and_every_renderer_survive_any_trace(trace):
    from auditor.judge.verdict import judge
    from auditor.report.html import render_html
    from auditor.report.json_report import render_json
    from auditor.report.markdown import render_markdown
    from auditor.report.terminal import render_terminal

    report = judge(trace)
    assert report.heuristic_failures == [], report.heuristic_failures
    render_terminal(report, Console(file=io.StringIO(), width=100, force_terminal=False))
    render_markdown(report)
    render_html(report, Path("/nonexistent-run-folder"))
    render_json(report)
    try:
        from auditor.report.junit import render_junit
        from auditor.report.sarif import render_sarif
    except ImportError:
        return
    render_sarif(report)
    render_junit(report)


def test_regressions_found_by_the_fuzzers():
    """dead-end compared checked=None with a bool; SARIF resolved a flow path holding a NUL byte."""
    from auditor.judge.verdict import judge
    from auditor.report.sarif import render_sarif

    els = [Element(index=0, tag="input", label="Agree", checked=True),
           Element(index=1, tag="input", label="Agree", checked=None)]
    snap = Snapshot(url="https://example.test/", viewport=Box(x=0, y=0, width=1, height=1), elements=els)
    goal = PathTrace(kind="goal", start="s", steps=[StepTrace(number=1, action="click", snapshot=snap)], final=snap,
                     status="complete", done=True)
    trace = FlowTrace(flow=FlowInfo(name="n", goal="object", start="s", file="flow\0.yaml"), goal=goal)
    report = judge(trace)
    assert report.heuristic_failures == []
    render_sarif(report)
