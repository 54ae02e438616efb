"""The generated catalogue is current, and third-party heuristics plug in through the entry point."""

from __future__ import annotations

import types

import pytest
from tests.trace_factory import make_element, make_step, make_trace
from typer.testing import CliRunner

from auditor import docs
from auditor.findings import Finding
from heuristics import registry
from heuristics.base import HeuristicMeta, finding


@pytest.fixture
def fresh_registry():
    """all_heuristics() is cached: clear it around a test that changes what is installed."""
    registry.all_heuristics.cache_clear()
    yield
    registry.all_heuristics.cache_clear()


def test_heuristics_catalogue_is_current():
    on_disk = docs.DEFAULT_OUT.read_text(encoding="utf-8") if docs.DEFAULT_OUT.exists() else ""
    assert docs.normalise(on_disk) == docs.normalise(docs.generate()), (
        "docs/heuristics.md is stale: run `python -m auditor.docs` and commit the result")


def test_catalogue_lists_every_builtin_heuristic_with_an_anchor_and_its_metadata():
    text = docs.generate()
    for h in docs.builtin_heuristics():
        m = h.meta
        assert f"\n## {m.id}\n" in text
        assert f"(#{m.id})" in text  # the summary table links to it
        section = text.split(f"\n## {m.id}\n", 1)[1].split("\n## ", 1)[0]
        for wanted in (m.title, f"Severity: {m.severity}", "### What it measures", "### Why it matters",
                       "### What a fair design does", *m.edpb, *m.provisions):
            assert wanted in section, (m.id, wanted)
    assert "hidden-affordance" in text and "path-length" in text


def test_catalogue_is_deterministic_and_sorted():
    a, b = docs.generate(), docs.generate()
    assert a == b
    ids = [line[3:] for line in a.splitlines() if line.startswith("## ")]
    assert ids == sorted(ids)


def test_check_mode_reports_a_stale_file(tmp_path, capsys):
    stale = tmp_path / "heuristics.md"
    stale.write_text("# Heuristics catalogue\n\nold\n", encoding="utf-8")
    assert docs.main(["--check", "--out", str(stale)]) == 1
    assert "stale" in capsys.readouterr().err
    assert docs.main(["--out", str(stale)]) == 0
    assert docs.main(["--check", "--out", str(stale)]) == 0


def test_normalise_ignores_line_endings_and_trailing_spaces():
    assert docs.normalise("a  \r\nb\n\n") == docs.normalise("a\nb")


# ---------------------------------------------------------------- third-party heuristics

FAKE_META = HeuristicMeta(
    id="acme-cookie-count",
    title="Too many partners named on the first screen",
    severity="low",
    measures="the number of partners the notice names",
    why="Hundreds of partners make the notice unreadable.",
    edpb=("4.1.3 Too many options",),
    provisions=("GDPR Art. 12(1)",),
    fix="Name the purposes; link the partner list.",
)


def _fake_check(trace) -> list[Finding]:
    return [finding(FAKE_META, title="143 partners", detail="The notice names 143 partners.", step=1,
                    measured={"partners": 143})]


class FakeEntryPoint:
    name = "acme"
    value = "acme_consent.partners"
    group = registry.ENTRY_POINT_GROUP

    def load(self):
        return types.SimpleNamespace(META=FAKE_META, check=_fake_check)


def _install(monkeypatch, *eps):
    def fake_entry_points(group=None, **_):
        return list(eps) if group == registry.ENTRY_POINT_GROUP else []

    monkeypatch.setattr(registry, "entry_points", fake_entry_points)


def test_third_party_heuristic_is_listed_by_the_cli_and_runs(monkeypatch, fresh_registry):
    from auditor.cli import app

    _install(monkeypatch, FakeEntryPoint())
    monkeypatch.setenv("COLUMNS", "250")
    result = CliRunner().invoke(app, ["heuristics"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "acme-cookie-count" in result.output
    assert "hidden-affordance" in result.output  # the built-ins are still there

    trace = make_trace([make_step(1, "click", make_element(text="Reject all"))])
    outcomes = {o.heuristic: o for o in registry.run_all(trace)}
    assert not [o for o in outcomes.values() if o.kind == "error"]
    assert outcomes["acme-cookie-count"].kind == "fired"
    [mine] = outcomes["acme-cookie-count"].findings
    assert mine.measured == {"partners": 143} and mine.severity == "low"
    assert registry.metadata()["acme-cookie-count"] is FAKE_META


def test_third_party_heuristics_stay_out_of_the_builtin_catalogue(monkeypatch, fresh_registry):
    _install(monkeypatch, FakeEntryPoint())
    assert "acme-cookie-count" in {h.id for h in registry.all_heuristics()}
    assert "acme-cookie-count" not in docs.generate()


def test_a_third_party_heuristic_may_not_reuse_a_builtin_id(monkeypatch, fresh_registry):
    class Clash(FakeEntryPoint):
        def load(self):
            import dataclasses

            return types.SimpleNamespace(META=dataclasses.replace(FAKE_META, id="hidden-affordance"),
                                         check=_fake_check)

    _install(monkeypatch, Clash())
    with pytest.raises(ValueError, match="reuses the heuristic id"):
        registry.all_heuristics()


def test_an_entry_point_without_meta_is_refused(monkeypatch, fresh_registry):
    class Broken(FakeEntryPoint):
        def load(self):
            return types.SimpleNamespace(check=_fake_check)

    _install(monkeypatch, Broken())
    with pytest.raises(TypeError, match="no META"):
        registry.all_heuristics()
