"""The auditor judged on pages built with the consent libraries the web runs on (issue 11, item 2).

Each flow in fixtures/libraries/<library>/ drives a page made with a vendored, pinned library and its own
translations; fixtures/libraries/expected.yaml says what an honest audit must find. Compliant
configurations must score at most their max_friction with no medium finding; unfair ones must fire what
they should; nothing may fire what the table rules out.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.findings import severity_at_least

LIBRARIES = Path(__file__).resolve().parent.parent / "fixtures" / "libraries"
EXPECTED = yaml.safe_load((LIBRARIES / "expected.yaml").read_text(encoding="utf-8"))["fixtures"]


def _id(entry: dict) -> str:
    return entry["flow"].removesuffix(".yaml")


def test_every_flow_is_listed_once_and_every_listed_flow_exists():
    on_disk = {p.relative_to(LIBRARIES).as_posix() for p in LIBRARIES.glob("*/*.yaml")}
    listed = [e["flow"] for e in EXPECTED]
    assert len(listed) == len(set(listed)), "a flow is listed twice in expected.yaml"
    assert on_disk == set(listed)


def test_every_entry_states_a_verdict_it_can_be_held_to():
    for e in EXPECTED:
        assert {"library", "config", "language", "compliant", "why"} <= e.keys(), _id(e)
        assert e["flow"] == f"{e['library']}/{e['config']}-{e['language']}.yaml", _id(e)
        if e["compliant"]:
            assert isinstance(e.get("max_friction"), int), _id(e)
        else:
            assert e.get("must_fire"), f"{_id(e)}: an unfair configuration must name what has to fire"
        assert not set(e.get("must_fire", [])) & set(e.get("must_not_fire", [])), _id(e)


def test_each_vendored_library_has_its_licence_and_pinned_version():
    libraries = sorted(p for p in LIBRARIES.iterdir() if p.is_dir())
    assert libraries, "no vendored library"
    for lib in libraries:
        vendor = lib / "vendor"
        assert (vendor / "LICENSE").read_text(encoding="utf-8").strip(), lib.name
        version = yaml.safe_load((vendor / "VERSION").read_text(encoding="utf-8"))
        assert version["integrity"].startswith("sha512-"), lib.name
        for name in version["files"].split():
            assert (vendor / name).is_file(), f"{lib.name}: {name} listed in VERSION but not vendored"


@pytest.mark.browser
@pytest.mark.parametrize("entry", EXPECTED, ids=_id)
def test_real_library_audit_matches_expected(entry, module_audits):
    folder, flow_file = entry["flow"].split("/")
    report = module_audits(f"libraries/{folder}", flow_file).report
    fired = {f.heuristic: f.severity for f in report.findings}

    assert report.status == "complete", f"{report.status}: {report.reason}"
    if entry["compliant"]:
        assert report.friction <= entry["max_friction"], f"friction {report.friction}; fired {fired}"
        assert not [h for h, s in fired.items() if severity_at_least(s, "medium")], fired
    missing = [h for h in entry.get("must_fire", []) if h not in fired]
    assert not missing, f"did not fire {missing}; fired {fired}"
    wrongly = [h for h in entry.get("must_not_fire", []) if h in fired]
    assert not wrongly, f"fired {wrongly}; fired {fired}"
