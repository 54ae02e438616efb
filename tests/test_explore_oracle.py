"""The explorer's ground truth holds: an exhaustive search proves every count in fixtures/explore/expected.yaml.

If a fixture page changes, the recorded minimal refusal/acceptance click counts must change with it; this
test is what keeps expected.yaml honest, so the explorer's own tests can compare against it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.gather.server import serve_folder
from tests.explore_oracle import ChoiceSpec, decode_choice, oracle_browser

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPECTED = yaml.safe_load((FIXTURES / "explore" / "expected.yaml").read_text(encoding="utf-8"))
BUDGET = EXPECTED["budget_max_depth"]


# The whole proof takes tens of minutes on two cores: `make prove` runs it (marker `exhaustive`,
# deselected by default). These two cheap pages keep the oracle's own code tested in every run.
IN_EVERY_RUN = {"first-layer-en", "continue-link-it"}


def _params(entries):
    return [pytest.param(e, id=e["name"], marks=[] if e["name"] in IN_EVERY_RUN else [pytest.mark.exhaustive])
            for e in entries]


ALL = EXPECTED["fixtures"]
# Refusals longer than the budget, proved at their oracle_max_depth: within the budget the explorer must end
# "goal-unreachable" (a minimal path of budget+1 clicks means none of budget clicks exists).
BEYOND_BUDGET = [e for e in ALL if (e["min_reject_clicks"] or 0) > BUDGET]


@pytest.fixture(scope="module")
def oracle():
    with serve_folder(FIXTURES) as base, oracle_browser() as searcher:
        yield lambda entry, depth: searcher.search(base + entry["path"], ChoiceSpec.from_dict(entry["choice"]),
                                                   max_depth=depth)


@pytest.mark.browser
@pytest.mark.parametrize("entry", _params(ALL))
def test_recorded_minimal_counts_are_what_exhaustive_search_proves(entry, oracle):
    result = oracle(entry, entry.get("oracle_max_depth", BUDGET))
    assert not result.capped, f"search hit its state cap: the counts are not proved ({result})"
    untaken = set(result.failed_clicks) - set(entry.get("read_only_controls", []))
    assert not untaken, f"edges the search could not take: the counts are not proved ({result})"
    assert (result.min_reject_clicks, result.min_accept_clicks) == (
        entry["min_reject_clicks"], entry["min_accept_clicks"]), result
    reachable = result.min_reject_clicks is not None or result.min_accept_clicks is not None
    assert reachable == entry["has_consent_ui"], "a page without consent UI must have no goal state"


def test_expected_file_covers_enough_languages_and_every_library_page():
    own = [e for e in ALL if e["path"].startswith("explore/")]
    assert len({e["language"] for e in own}) >= 12
    assert any(not e["has_consent_ui"] for e in own) and BEYOND_BUDGET
    library_pages = {str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("libraries/*/*.html")}
    assert library_pages <= {e["path"] for e in ALL}


JSON_SPEC = ChoiceSpec("cookie", "consent", "json-flags", ("analytics", "marketing"))


@pytest.mark.parametrize(("raw", "spec", "decoded"), [
    ('{"necessary":true,"analytics":false,"marketing":false}', JSON_SPEC, {"analytics": False, "marketing": False}),
    ("%7B%22analytics%22%3Atrue%2C%22marketing%22%3Atrue%7D", JSON_SPEC, {"analytics": True, "marketing": True}),
    ('{"analytics":false}', JSON_SPEC, None),  # a purpose not decided is no decision
    (None, JSON_SPEC, None),
    ("not json", JSON_SPEC, None),
    ('{"categories":["necessary","analytics"]}', ChoiceSpec("cookie", "cc", "json-categories", ("analytics", "marketing")),
     {"analytics": True, "marketing": False}),
    ("!sitepixel=false!sitematomo=false", ChoiceSpec("cookie", "t", "bang-flags", ("sitematomo", "sitepixel")),
     {"sitematomo": False, "sitepixel": False}),
    ("!sitepixel=wait!sitematomo=wait", ChoiceSpec("cookie", "t", "bang-flags", ("sitematomo", "sitepixel")), None),
])
def test_decode_choice_reads_each_storage_format(raw, spec, decoded):
    assert decode_choice(raw, spec) == decoded
