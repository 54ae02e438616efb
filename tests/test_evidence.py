"""Typed evidence: every heuristic declares its measured figures, finding() holds them to it, and every
report shows them as labelled tables (comparisons side by side), never as snake_case keys or reprs."""

from __future__ import annotations

import io
import json
import re

import jsonschema
import pytest
from rich.console import Console

from auditor.docs import generate
from auditor.evidence.diff import diff_reports
from auditor.judge.figures import figures_of
from auditor.report.evidence_table import evidence_table, format_value
from auditor.report.html import render_html
from auditor.report.json_report import render_json
from auditor.schema import SCHEMA_PATH
from auditor.report.markdown import render_markdown
from auditor.report.model import HeuristicInfo
from auditor.report.terminal import render_terminal
from heuristics import asymmetric_path, path_length
from heuristics.base import Evidence, HeuristicMeta, figure, finding
from heuristics.registry import all_heuristics
from tests.conftest import FIXTURES, run_cli
from tests.report_factory import make_finding, make_report

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
ASYMMETRY = {"goal_clicks": 5, "baseline_clicks": 1, "goal_seconds": 12.345, "baseline_seconds": 2.0,
             "action_ratio": 5.0, "more": ["clicks", "page loads"], "typing_only_on_goal": False,
             "goal_complete": True}


def _declared(*ids: str) -> list[HeuristicInfo]:
    """The report's catalogue entries of ``ids`` with their declared figures, as the judge writes them."""
    return [HeuristicInfo(id=i, title=i, severity="high", version="1", figures=figures_of(i)) for i in ids]


def _asymmetry_report(measured: dict | None = None):
    return make_report([make_finding(1, heuristic="asymmetric-path", measured=measured or ASYMMETRY)],
                       heuristics=_declared("asymmetric-path"))


# --- declaration and validation ----------------------------------------------------------------------------

@pytest.mark.parametrize("h", all_heuristics(), ids=lambda h: h.id)
def test_every_heuristic_declares_its_evidence(h):
    assert h.meta.evidence is not None and issubclass(h.meta.evidence, Evidence), \
        f"{h.id}: set evidence=Measured in its META (heuristics/_evidence.py)"
    for name, info in h.meta.evidence.model_fields.items():
        assert info.title and not SNAKE.fullmatch(info.title), f"{h.id}.{name} has no human label"


def test_finding_rejects_a_field_the_model_does_not_declare():
    with pytest.raises(ValueError, match=r"'path-length'.*clicks_typo: not a declared field"):
        finding(path_length.META, title="t", detail="d", measured={"clicks": 3, "clicks_typo": 4})


def test_finding_rejects_a_value_of_the_wrong_type():
    with pytest.raises(ValueError, match=r"'path-length'.*clicks"):
        finding(path_length.META, title="t", detail="d", measured={"clicks": "many"})


def test_finding_keeps_exactly_the_figures_given_as_json():
    m = path_length.Measured(clicks=3, complete=False,
                             thresholds=path_length.Thresholds(high_actions=5, high_page_loads=3, medium_actions=3))
    f = finding(path_length.META, title="t", detail="d", measured=m)
    assert f.measured == {"clicks": 3, "complete": False,
                          "thresholds": {"high_actions": 5, "high_page_loads": 3, "medium_actions": 3}}
    assert finding(path_length.META, title="t", detail="d", measured={"steps": 2}).measured == {"steps": 2}


def test_a_heuristic_without_a_model_keeps_its_dict_and_another_model_is_refused():
    plugin = HeuristicMeta(id="plugin-x", title="t", severity="low", measures="m", why="w", edpb=(), provisions=(),
                           fix="f")
    assert finding(plugin, title="t", detail="d", measured={"any_key": 1}).measured == {"any_key": 1}
    with pytest.raises(TypeError, match="not its declared Measured"):
        finding(asymmetric_path.META, title="t", detail="d", measured=path_length.Measured(clicks=1))


def test_figure_refuses_units_and_sides_outside_the_vocabulary():
    with pytest.raises(ValueError, match="unknown unit"):
        figure("Speed", "km/h")
    with pytest.raises(ValueError, match="unknown side"):
        figure("Clicks", "clicks", compare="clicks", side="left")
    with pytest.raises(ValueError, match="go together"):
        figure("Clicks", "clicks", compare="clicks")


def test_values_read_as_words():
    assert format_value(1, "clicks") == "1 click" and format_value(5, "clicks") == "5 clicks"
    assert format_value(4.517, ":1") == "4.52:1" and format_value(0.4, "fraction") == "40%"
    assert format_value(True) == "yes" and format_value(None) == "–" and format_value(["a", "b"]) == "a, b"
    assert format_value(1500.0, "ms") == "1,500 ms" and format_value([]) == "none"


# --- rendering -----------------------------------------------------------------------------------------------

def test_comparison_is_one_row_with_a_column_per_side():
    t = evidence_table(ASYMMETRY, figures_of("asymmetric-path"))
    assert t.typed and t.sides == ("Goal path", "Baseline path")
    rows = {r.label: r.values for r in t.compared}
    assert rows["Clicks"] == ("5 clicks", "1 click") and rows["Estimated time"] == ("12.35 s", "2 s")
    figures = {r.label: r.values[0] for r in t.figures}
    assert figures["What the goal path needs more of"] == "clicks, page loads"
    assert figures["Only the goal path asks to type"] == "no"


def test_unknown_heuristic_falls_back_to_humanised_keys():
    t = evidence_table({"min_length": 20, "ratio": 0.25}, figures_of("some-old-plugin"))
    assert not t.typed and [(r.label, r.values) for r in t.figures] == [("Min length", ("20",)), ("Ratio", ("0.25",))]


def test_markdown_shows_labelled_tables_not_keys():
    md = render_markdown(_asymmetry_report())
    assert "| Measured | Goal path | Baseline path |" in md
    assert "| Clicks | 5 clicks | 1 click |" in md
    assert "| Only the goal path asks to type | no |" in md
    assert "goal_clicks" not in md and "typing\\_only" not in md


def test_html_rows_have_labels_units_and_raw_values_escaped(tmp_path):
    evil = '<script>alert(1)</script>"&'
    report = make_report([make_finding(1, heuristic="asymmetric-path", measured=ASYMMETRY),
                          make_finding(2, measured={"label": evil, "baseline_label": "Accept all", "area": 900.0,
                                                    "baseline_area": 9000.0, "contrast": 1.13})],
                         heuristics=_declared("asymmetric-path", "hidden-affordance"))
    html = render_html(report, tmp_path)
    assert '<th scope="col" class="n">Goal path</th><th scope="col" class="n">Baseline path</th>' in html
    assert '<tr><th scope="row">Clicks</th><td class="n">5 clicks</td><td class="n">1 click</td></tr>' in html
    assert '<th scope="col" class="n">Refusal control</th><th scope="col" class="n">Accept control</th>' in html
    assert '<td class="n">900 px²</td><td class="n">9,000 px²</td>' in html
    assert '<td>1.13:1</td>' in html
    assert "<script>alert(1)" not in html
    raw = html.split("Raw measured values (JSON)</summary><pre>")[2].split("</pre>")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and '"baseline_area": 9000.0' in raw.replace("&#34;", '"')
    assert "<dt>" not in html and "goal_clicks</t" not in html


def test_terminal_shows_the_comparison_with_sides():
    console = Console(record=True, width=140, file=io.StringIO())
    render_terminal(_asymmetry_report(), console)
    text = console.export_text()
    assert re.search(r"Clicks\s+5 clicks\s+1 click", text)
    assert "Goal path" in text and "goal_clicks" not in text


# --- schema, docs, diff -------------------------------------------------------------------------------------

def test_schema_documents_each_heuristics_measured_object():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    clicks = schema["$defs"]["measured-asymmetric-path"]["properties"]["goal_clicks"]
    assert clicks["title"] == "Clicks" and clicks["unit"] == "clicks" and clicks["side"] == "goal"
    report = json.loads(render_json(_asymmetry_report()))
    jsonschema.validate(report, schema, cls=jsonschema.Draft202012Validator)
    report["findings"][0]["measured"]["goal_clickz"] = 5
    with pytest.raises(jsonschema.ValidationError, match="goal_clickz"):
        jsonschema.validate(report, schema, cls=jsonschema.Draft202012Validator)


def test_catalogue_lists_each_heuristics_figures():
    text = generate()
    assert "| `goal_clicks` | Clicks | clicks | goal path |" in text
    assert "| `waits[].ms` | Waits: waited | ms | - |" in text


def test_diff_names_changed_figures_by_label_and_unit():
    a = _asymmetry_report()
    b = _asymmetry_report({**ASYMMETRY, "goal_clicks": 3, "extra_key": 1})
    what = diff_reports(a, b).changed[0].what
    assert "Clicks (goal path): 5 clicks -> 3 clicks" in what
    assert "extra_key: – -> 1" in what  # undeclared: by its key
    assert len(what) == 2


# --- the real report in the real browser ------------------------------------------------------------------

def test_meta_report_in_chromium_shows_labelled_evidence(tmp_path):
    from auditor.gather.session import browser_session

    out = tmp_path / "run"
    proc = run_cli("audit", str(FIXTURES / "meta-2024" / "flow.yaml"), "--out", str(out), "--no-store", "--quiet")
    assert proc.returncode in (0, 1), proc.stderr
    with browser_session() as session:
        page = session.browser.new_page()
        page.goto((out / "report.html").resolve().as_uri())
        tables = page.locator(".measured table")
        assert tables.count() >= 3
        labels = page.locator(".measured tbody th").all_inner_texts()
        assert labels and not [x for x in labels if SNAKE.fullmatch(x.strip())], labels
        assert "Clicks" in labels and "Goal path" in page.locator(".measured thead").first.text_content()
        details = page.locator(".measured details").first
        assert not details.locator("pre").is_visible()
        details.locator("summary").click()
        assert details.locator("pre").is_visible() and '"' in details.locator("pre").inner_text()
        page.locator(".measured").first.screenshot(path=str(tmp_path / "measured.png"))
        page.close()
