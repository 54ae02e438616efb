"""Reporters render the same Report, escape page-derived text for their medium, and the JSON matches its
published schema."""

from __future__ import annotations

import io
import json
import re
import struct

import jsonschema
import pytest
from markdown_it import MarkdownIt
from rich.console import Console

from auditor.report.html import image_size, render_html
from auditor.report.json_report import render_json, write_reports
from auditor.schema import SCHEMA_PATH, main, report_schema
from auditor.report.markdown import escape_md, render_markdown
from auditor.report.model import Report
from auditor.report.terminal import render_terminal
from tests.report_factory import make_finding, make_report, png_bytes, write_screenshots


def terminal_text(report: Report) -> str:
    console = Console(record=True, width=120, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    render_terminal(report, console)
    return console.export_text()


# --- terminal ------------------------------------------------------------------------------------------

def test_terminal_prints_page_text_literally_and_numbers_findings():
    text = terminal_text(make_report())
    assert "[bold]x[/]" in text
    assert "<script>alert(1)</script>" in text
    assert "**md** [link](http://x)" in text
    assert re.search(r"^1\. \[HIGH\] The objection link", text, re.M)
    assert re.search(r"^2\. \[CRITICAL\] Title <script>", text, re.M)
    assert "Friction 50/100 (high)" in text
    assert "step 3 on the goal path" in text
    assert "Why it matters:" in text and "Fair design:" in text and "+30 points" in text
    assert "EDPB 4.4.2 Longer than necessary" in text and "GDPR Art. 21(1)" in text
    assert "Warnings" in text and "two matches for <script>" in text


def test_terminal_markup_in_title_does_not_style():
    report = make_report([make_finding(1, title="[bold red]x[/] :smile:")])
    console = Console(record=True, width=120, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    render_terminal(report, console)
    assert "[bold red]x[/] :smile:" in console.export_text()


def test_terminal_neutralises_control_sequences():
    report = make_report([make_finding(1, title="evil \x1b[2J\x1b]0;pwned\x07 title")])
    console = Console(record=True, width=120, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    render_terminal(report, console)
    out = console.file.getvalue()
    assert "\x1b[2J" not in out and "\x1b]0;" not in out
    assert "evil \\x1b[2J\\x1b]0;pwned\\x07 title" in console.export_text()


def test_terminal_metrics_table_and_incomplete():
    text = terminal_text(make_report(status="incomplete", reason="timeout", friction_is_lower_bound=True))
    assert "Friction at least 50/100" in text
    assert "AUDIT INCOMPLETE" in text
    for label in ("steps", "clicks", "typed characters", "page loads", "effort (seconds)"):
        assert label in text
    assert "95.3 s" in text and "3.1 s" in text


# --- markdown ------------------------------------------------------------------------------------------

def test_markdown_escapes_page_text():
    md = render_markdown(make_report())
    assert "<script>" not in md
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in md
    assert "\\*\\*md\\*\\* \\[link\\]\\(http\\://x\\)" in md
    assert "\\[bold\\]x\\[/\\]" in md


def test_markdown_renders_without_injected_html_or_links():
    md = render_markdown(make_report())
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(md)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "**md** [link](http://x)" in html  # literal, not bold and not a link
    assert 'href="http://x"' not in html
    assert "<strong>md</strong>" not in html


def test_markdown_structure_and_screenshots():
    md = render_markdown(make_report())
    assert md.startswith("# Consent audit: Example objection flow")
    assert "### 1. \\[HIGH\\]" in md and "### 2. \\[CRITICAL\\]" in md
    assert "![step 3](screenshots/goal-03.png)" in md
    assert "**Friction 50/100 (high)**" in md
    assert "- **Fair design:**" in md and "- **Why it matters:**" in md
    assert "| steps | 3 | 1 |" in md


def test_markdown_refuses_unsafe_screenshot_paths():
    report = make_report([make_finding(1, screenshot="javascript:alert(1)"),
                          make_finding(2, screenshot="../../etc/passwd")])
    md = render_markdown(report)
    assert "javascript:" not in md and "etc/passwd" not in md


@pytest.mark.parametrize("text", ["a|b", "x_y_z", "~~s~~", "`c`", "<b>&amp;</b>", "www.evil.test", "a@b.test",
                                  "$x$", "# h #", "line\n# heading\n- item"])
def test_escape_md_is_literal(text):
    html = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(
        f"text: {escape_md(text)}")
    assert html.startswith("<p>") and html.count("<p>") == 1
    for tag in ("<code", "<s>", "<b>", "<h1", "<li", "<a ", "<em"):
        assert tag not in html


# --- HTML ----------------------------------------------------------------------------------------------

def test_html_escapes_page_text(tmp_path):
    report = make_report()
    write_screenshots(tmp_path, report)
    html = render_html(report, tmp_path)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="http://x"' not in html
    assert "[bold]x[/]" in html
    assert "Content-Security-Policy" in html


def test_html_is_self_contained(tmp_path):
    report = make_report()
    write_screenshots(tmp_path, report)
    html = render_html(report, tmp_path)
    assert html.lstrip().startswith("<!DOCTYPE html>")
    srcs = re.findall(r'\ssrc="([^"]*)"', html)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "<script" not in html.lower()


def test_html_outlines_element_by_percentage(tmp_path):
    report = make_report()
    write_screenshots(tmp_path, report, width=320, height=640)
    html = render_html(report, tmp_path)
    # finding 2: box (20, 500, 280 x 90) on a 320 x 640 screenshot
    assert "left: 6.250%; top: 78.125%; width: 87.500%; height: 14.062%" in html
    assert 'id="finding-1"' in html and 'id="finding-2"' in html
    assert 'id="goal-step-3"' in html and 'id="baseline-step-1"' in html
    assert "Friction" in html and "Score breakdown" in html and "Warnings" in html


def test_html_missing_screenshots_are_skipped(tmp_path):
    html = render_html(make_report(), tmp_path)
    assert "data:image" not in html
    assert "Screenshot not available" in html


def test_html_does_not_embed_files_outside_run_folder(tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(png_bytes(10, 10))
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    report = make_report([make_finding(1, screenshot="../secret.png"),
                          make_finding(2, screenshot=str(outside))])
    html = render_html(report, run_dir)
    assert "data:image" not in html


def test_html_links_only_web_urls(tmp_path):
    report = make_report([make_finding(1, url="javascript:alert(1)")])
    html = render_html(report, tmp_path)
    assert 'href="javascript:' not in html
    assert "<code>javascript:alert(1)</code>" in html


def test_html_incomplete_and_without_baseline(tmp_path):
    report = make_report(status="incomplete", reason="step 2 timed out", failed_step=2,
                         friction_is_lower_bound=True, findings=[], paths=[make_report().paths[0]])
    html = render_html(report, tmp_path)
    assert "Audit incomplete at step 2." in html
    assert "not a verdict of low friction" in html
    assert "Not audited" in html


def test_image_size_png_and_jpeg():
    assert image_size(png_bytes(123, 45)) == ("image/png", 123, 45)
    sof = b"\xff\xc0" + struct.pack(">HBHH", 17, 8, 45, 123) + b"\x03" + b"\x00" * 9
    jpeg = b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 4) + b"\x00\x00" + sof + b"\xff\xd9"
    assert image_size(jpeg) == ("image/jpeg", 123, 45)
    assert image_size(b"GIF89a" + b"\x00" * 30) is None


# --- JSON, schema, writing -----------------------------------------------------------------------------

def test_json_validates_against_committed_schema():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for report in (make_report(), make_report(status="incomplete", findings=[], paths=[])):
        jsonschema.validate(json.loads(render_json(report)), schema,
                            cls=jsonschema.Draft202012Validator)


def test_schema_rejects_a_broken_report():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    data = json.loads(render_json(make_report()))
    data["friction"] = "high"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_committed_schema_is_current():
    committed = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert committed == report_schema(), \
        "schemas/report.schema.json is stale: run python -m auditor.schema --write-schema"
    assert main(["--check-schema"]) == 0


def test_check_schema_fails_when_stale(tmp_path):
    stale = tmp_path / "report.schema.json"
    stale.write_text("{}\n")
    assert main(["--check-schema", str(stale)]) == 1
    assert main(["--write-schema", str(stale)]) == 0
    assert main(["--check-schema", str(stale)]) == 0


def test_json_round_trips():
    report = make_report()
    assert Report.model_validate_json(render_json(report)) == report


def test_write_reports_writes_three_files(tmp_path):
    report = make_report()
    write_screenshots(tmp_path, report)
    paths = write_reports(report, tmp_path)
    assert set(paths) == {"json", "md", "html"}
    assert {p.name for p in paths.values()} == {"report.json", "report.md", "report.html"}
    assert all(p.parent == tmp_path and p.stat().st_size > 0 for p in paths.values())
    assert Report.model_validate_json(paths["json"].read_text(encoding="utf-8")) == report
    assert paths["md"].read_text(encoding="utf-8") == render_markdown(report)
    assert "data:image/png;base64," in paths["html"].read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*.tmp"))


def test_whole_flow_finding_renders_everywhere(tmp_path):
    report = make_report([make_finding(1, step=None, url=None, screenshot=None, element_label=None,
                                       element_box=None, flow_line=None, title="Eight steps against one")])
    assert "whole flow (goal path)" in terminal_text(report)
    assert "whole flow (goal path)" in render_markdown(report)
    html = render_html(report, tmp_path)
    assert 'class="finding sev-high wide"' in html and "The whole flow (goal path)" in html


def test_terminal_shows_bidi_overrides():
    text = terminal_text(make_report([make_finding(1, title="abc\u202edcb")]))
    assert "abc\\u202edcb" in text


# --- the situation, the score's raw points and categories, citations, the consent comparison ---------------

def _situated_report(**situation):
    from auditor.judge.verdict import judge
    from auditor.trace import Situation
    from tests.trace_factory import make_element, make_step, make_trace

    trace = make_trace([make_step(1, "click", make_element(text="Reject all"))],
                       baseline_steps=[make_step(1, "click", make_element(text="Accept all"))])
    trace.goal.situation = Situation(**situation)
    return judge(trace)


def test_every_report_says_the_situation_and_taps_on_a_touch_screen(tmp_path):
    report = _situated_report(device="iPhone 13 <i>", viewport={"width": 390, "height": 664}, has_touch=True,
                              signed_in="login", login="signed in: login ran, 3 steps", region="eu",
                              proxy="http://127.0.0.1:3128", exit_ip="203.0.113.7")
    expected = ("iPhone 13 <i> (touch, 390x664), signed in (login ran, 3 steps), region eu via "
                "http://127.0.0.1:3128, exit IP 203.0.113.7")
    assert ", 1 tap and 1 page" in report.headline and "click" not in report.headline
    assert f"Situation: {expected}" in " ".join(terminal_text(report).split())  # wrapped at 120 columns
    md = render_markdown(report)
    assert "**Situation:** iPhone 13 &lt;i&gt; \\(touch, 390x664\\)" in md and "| taps | 1 | 1 |" in md
    html = render_html(report, tmp_path)
    assert "<strong>Situation:</strong> iPhone 13 &lt;i&gt; (touch, 390x664)" in html and "<td>Taps</td>" in html
    assert json.loads(render_json(report))["situation"]["exit_ip"] == "203.0.113.7"


def test_a_desktop_signed_out_audit_says_clicks_and_no_situation(tmp_path):
    report = _situated_report(viewport={"width": 1280, "height": 720})
    assert ", 1 click and 1 page" in report.headline
    assert "Situation" not in render_markdown(report) and "Situation:" not in terminal_text(report)
    storage = _situated_report(signed_in="storage-state")
    assert "**Situation:** signed in \\(storage state\\)" in render_markdown(storage)


def test_raw_points_and_categories_are_shown_beside_the_friction(tmp_path):
    report = make_report(score_raw=190.0, friction=91, category_points={"4.4 Obstructing": 150.0,
                                                                        "4.3 Stirring": 40.0})
    text = terminal_text(report)
    assert "190 raw points" in text and "4.4 Obstructing 150 · 4.3 Stirring 40" in text
    md = render_markdown(report)
    assert "190 raw points" in md and "| 4.4 Obstructing | 150 |" in md and "capped" not in md
    html = render_html(report, tmp_path)
    assert "190 raw points" in html and "<td>4.3 Stirring</td>" in html and "capped at 100" not in html
    saturated = make_report(score_raw=500.0, friction=100, score_capped=True)
    assert "the score has saturated at 100, raw points tell worse flows apart" in render_markdown(saturated)


def test_a_citation_is_shown_as_cited_not_as_a_fault():
    cited = make_finding(1, heuristic="visual-asymmetry", severity="info", points=0.0,
                         measured={"cited_from_hidden_affordance": ["contrast"]})
    report = make_report([cited])
    assert "cited, 0 points" in terminal_text(report)
    assert "- **Points:** cited, 0 points (visual-asymmetry)" in render_markdown(report)


def test_the_consent_comparison_is_shown_side_by_side(tmp_path):
    from auditor.aftermath.compare import Comparison, PathConsequences

    cmp = Comparison(goal=PathConsequences(kind="goal", captured=True, tracker_requests=["https://t.example/c"],
                                           prompt_returned=True),
                     baseline=PathConsequences(kind="baseline", captured=True, prompt_returned=False))
    report = make_report(after_choice=cmp)
    md = render_markdown(report)
    assert "## After the choice" in md and "| Prompt back after reload | yes | no |" in md
    html = render_html(report, tmp_path)
    assert 'id="after-choice"' in html and "<th scope=\"row\">Tracker requests (EasyPrivacy)</th><td>1</td><td>0</td>" in html
    assert "After the choice" not in render_markdown(make_report())
