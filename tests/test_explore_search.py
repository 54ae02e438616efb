"""The explorer finds the exact minimal refusal and acceptance click counts on every explore fixture.

The counts in fixtures/explore/expected.yaml are proved by an exhaustive search that shares no logic with
the explorer (tests/explore_oracle.py); the stored choice each found path leaves must decode, with the
fixture's own reading of it, to a refusal (every purpose off) or an acceptance (every purpose on).
One browser for the module, a local server, no network.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.exploration import Budget
from auditor.gather.explore.search import explore
from auditor.gather.server import serve_folder
from tests.explore_oracle import ChoiceSpec, decode_choice

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPECTED = yaml.safe_load((FIXTURES / "explore" / "expected.yaml").read_text(encoding="utf-8"))
BUDGET_DEPTH = EXPECTED.get("budget_max_depth", Budget().max_depth)


def _proved(entry: dict) -> bool:
    """Entries whose counts the oracle has proved (library pages may still say TODO)."""
    return all(entry.get(k) is None or isinstance(entry.get(k), int) for k in ("min_reject_clicks", "min_accept_clicks"))


# Every hand-written page, and one page per consent library (the one that exercises most: a second layer,
# an acceptance in two clicks, an undecided purpose that is no refusal). benchmarks/explore.py runs every
# entry, real-library pages included, and fails on any count that differs; this file keeps under ~2 min.
LIBRARY_SAMPLE = {"vanilla-cookieconsent/settings-only-sv", "klaro/compliant-it", "orejime/forced-modal-fi",
                  "tarteaucitron/settings-only-pl"}
ENTRIES = [e for e in EXPECTED["fixtures"]
           if _proved(e) and (e["path"].startswith("explore/") or e["name"] in LIBRARY_SAMPLE)]


@pytest.fixture(scope="module")
def site():
    from auditor.gather.session import browser_session

    with serve_folder(FIXTURES) as base, browser_session() as session:
        yield base, session.browser


def _choice(stored: dict[str, str], entry: dict) -> dict[str, bool] | None:
    spec = ChoiceSpec.from_dict(entry["choice"])
    return decode_choice(stored.get(spec.key), spec)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["name"] for e in ENTRIES])
def test_explorer_finds_the_proved_minimum(site, entry):
    base, browser = site
    result = explore(base + entry["path"], "reject", Budget(max_depth=BUDGET_DEPTH), browser=browser)
    assert "HeadlessChrome" not in result.user_agent and "Chrome/" in result.user_agent
    if not entry["has_consent_ui"]:
        assert result.status == "no-consent-ui", result.reason
        assert result.goal_path is None and result.baseline_path is None
        return
    accept = result.baseline_path
    assert accept is not None, result.tried
    assert accept.clicks == entry["min_accept_clicks"], [a.label for a in accept.actions]
    assert all(_choice(accept.stored_choice, entry).values())
    if entry["min_reject_clicks"] > BUDGET_DEPTH:
        assert result.status == "goal-unreachable"
        assert result.goal_path is None
        assert result.tried and result.tried[-1].startswith("stopped: the depth budget")
        return
    assert result.status == "found", (result.reason, result.tried)
    refusal = result.goal_path
    assert refusal.clicks == len(refusal.actions) == entry["min_reject_clicks"], [a.label for a in refusal.actions]
    stored = _choice(refusal.stored_choice, entry)
    assert stored is not None and not any(stored.values()), refusal.stored_choice
    assert result.actions_spent >= refusal.clicks + accept.clicks - 1 and result.page_loads >= 1


# Refusal and acceptance on the first layer; "Marketing" is pre-ticked only in the settings layer.
_PRESELECTED_PAGE = """<!doctype html><html lang="en"><body><p>A shop.</p>
<div id="b" role="dialog" style="position:fixed;bottom:0">We use cookies.
  <button id="a">Accept all</button> <button id="r">Reject all</button> <button id="s">Manage settings</button>
  <div id="p" hidden><label><input type="checkbox" id="m" checked> Marketing</label>
    <label><input type="checkbox" id="n"> Analytics</label> <button id="v">Save choices</button></div></div>
<script>
const store = (m, n) => { localStorage.setItem("choice", JSON.stringify({marketing: m, analytics: n}));
  document.getElementById("b").remove(); };
a.onclick = () => store(true, true); r.onclick = () => store(false, false);
s.onclick = () => { p.hidden = false; }; v.onclick = () => store(m.checked, n.checked);
</script></body></html>"""


def test_the_settings_layer_is_opened_once_even_off_the_minimal_paths(site, tmp_path):
    _, browser = site
    (tmp_path / "index.html").write_text(_PRESELECTED_PAGE, encoding="utf-8")
    with serve_folder(tmp_path) as base:
        result = explore(base + "index.html", browser=browser)
    assert result.status == "found"
    assert [a.label for a in result.goal_path.actions] == ["Reject all"]
    assert [a.label for a in result.baseline_path.actions] == ["Accept all"]
    assert result.settings_opened and result.settings_defaults_on == ["Marketing"]
