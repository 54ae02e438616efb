"""What the explorer spends to prove its paths, against the length of the paths it proves.

For every fixture in fixtures/explore/expected.yaml whose counts are proved (library pages may still
say TODO), runs ``explore(url, "reject")`` once and prints: the minimal refusal and acceptance click
counts found (and expected), the clicks the search spent (replays, undos and self-loops included), the
page loads, the states visited and the wall time; then the totals and the ratio of clicks spent to the
minimal clicks found (refusal + acceptance). Target: at most 2x. One browser for all fixtures, each state
in a fresh context, a local server, no network.

    .venv/bin/python benchmarks/explore.py [NAME ...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.exploration import Budget
from auditor.gather.explore.search import explore
from auditor.gather.server import serve_folder
from auditor.gather.session import browser_session


def _count(path) -> str:
    return "-" if path is None else str(path.clicks)


def main(names: list[str]) -> int:
    expected = yaml.safe_load((ROOT / "fixtures" / "explore" / "expected.yaml").read_text(encoding="utf-8"))
    budget = Budget(max_depth=expected.get("budget_max_depth", Budget().max_depth))
    entries = [e for e in expected["fixtures"] if not names or e["name"] in names]
    header = f"{'fixture':42} {'reject':>9} {'accept':>9} {'actions':>7} {'minimal':>7} {'ratio':>5} {'loads':>5} {'states':>6} {'wall s':>7}  status"
    print(header)
    totals = {"actions": 0, "minimal": 0, "loads": 0, "seconds": 0.0, "right": 0, "checked": 0}
    with serve_folder(ROOT / "fixtures") as base, browser_session() as session:
        for entry in entries:
            want_r, want_a = entry.get("min_reject_clicks"), entry.get("min_accept_clicks")
            if not all(v is None or isinstance(v, int) for v in (want_r, want_a)):
                print(f"{entry['name']:42} (counts not proved yet: skipped)")
                continue
            started = time.monotonic()
            result = explore(base + entry["path"], "reject", budget, browser=session.browser)
            wall = time.monotonic() - started
            found_r, found_a = result.goal_path, result.baseline_path
            minimal = (found_r.clicks if found_r else 0) + (found_a.clicks if found_a else 0)
            reachable_r = want_r if want_r is not None and want_r <= budget.max_depth else None
            right = (found_r.clicks if found_r else None) == reachable_r and \
                (found_a.clicks if found_a else None) == want_a
            ratio = f"{result.actions_spent / minimal:.1f}" if minimal else "-"
            print(f"{entry['name']:42} {_count(found_r):>4}/{want_r!s:<4} {_count(found_a):>4}/{want_a!s:<4} "
                  f"{result.actions_spent:>7} {minimal:>7} {ratio:>5} {result.page_loads:>5} {result.states_visited:>6} "
                  f"{wall:>7.1f}  {result.status}{'' if right else '  MISMATCH'}", flush=True)
            totals["actions"] += result.actions_spent
            totals["minimal"] += minimal
            totals["loads"] += result.page_loads
            totals["seconds"] += wall
            totals["right"] += right
            totals["checked"] += 1
    ratio = totals["actions"] / totals["minimal"] if totals["minimal"] else float("nan")
    print(f"\ntotal: {totals['right']}/{totals['checked']} fixtures exact; {totals['actions']} clicks spent for "
          f"{totals['minimal']} minimal clicks ({ratio:.2f}x, target <= 2x); {totals['loads']} page loads; "
          f"{totals['seconds']:.1f} s wall")
    return 0 if totals["right"] == totals["checked"] else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
