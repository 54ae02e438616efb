"""The same flow on several devices, side by side: devices.md and devices.json in the run folder.

Rendering only: each row holds figures the judge already computed for that device's audit (its Report)
and the device its trace recorded; auditor.pipeline.audit_devices builds the rows.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from auditor.evidence.atomic import write_text_atomic
from auditor.report.markdown import escape_md
from auditor.words.wording import goal_gerund, plural

PHONE_MAX_WIDTH = 600  # CSS px: a touch screen narrower than this is a phone, a wider one a tablet


@dataclass(frozen=True)
class DeviceRow:
    device: str  # the Playwright descriptor, or "desktop" for the flow's own settings
    folder: str  # the device's run folder, relative to the comparison
    status: str
    touch: bool
    viewport_width: int
    goal_actions: int  # clicks, or taps on a touch screen
    goal_effort_s: float
    baseline_actions: int | None
    baseline_effort_s: float | None
    friction: int
    findings: int

    @property
    def kind(self) -> str:
        if not self.touch:
            return "a desktop"
        return "a phone" if self.viewport_width < PHONE_MAX_WIDTH else "a tablet"

    @property
    def action_word(self) -> str:
        return "tap" if self.touch else "click"


def _where(row: DeviceRow) -> str:
    return f"{row.kind} ({row.device})" if row.device != "desktop" else row.kind


def _figures(row: DeviceRow) -> str:
    if row.status != "complete":
        return f"the audit did not complete ({row.status})"
    return f"{plural(row.goal_actions, row.action_word)} and {row.goal_effort_s:.0f} s"


def sentence(rows: list[DeviceRow], goal: str) -> str:
    """'On a phone (iPhone 13), objecting takes 6 taps and 84 s; on a desktop 4 clicks and 61 s.'"""
    if not rows:
        return ""
    first, *rest = rows
    verb = "takes " if first.status == "complete" else ": "
    out = f"On {_where(first)}, {goal_gerund(goal).lower()} {verb}{_figures(first)}".replace(" : ", ": ")
    return out + "".join(f"; on {_where(r)} {_figures(r)}" for r in rest) + "."


def render_markdown(rows: list[DeviceRow], flow_name: str, goal: str) -> str:
    out = [f"# {escape_md(flow_name)} on {plural(len(rows), 'device')}", "", escape_md(sentence(rows, goal)), "",
           ("| device | viewport width | clicks / taps (goal) | effort (goal) | clicks / taps (baseline) | "
            "effort (baseline) | friction | findings | status | report |"),
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        baseline = "—" if r.baseline_actions is None else plural(r.baseline_actions, r.action_word)
        base_s = "—" if r.baseline_effort_s is None else f"{r.baseline_effort_s:.0f} s"
        out.append(f"| {escape_md(r.device)} | {r.viewport_width} | {plural(r.goal_actions, r.action_word)} | "
                   f"{r.goal_effort_s:.0f} s | {baseline} | {base_s} | {r.friction} | {r.findings} | {r.status} | "
                   f"[{escape_md(r.folder)}]({r.folder}/report.md) |")
    out += ["", ("Effort is the keystroke-level estimate of docs/effort.md; on a touch screen it uses the touch "
                 "figures (finger pointing, on-screen typing, no homing).")]
    return "\n".join(out) + "\n"


def write_comparison(rows: list[DeviceRow], run_dir: Path, flow_name: str, goal: str) -> dict[str, Path]:
    """devices.md and devices.json in ``run_dir``."""
    run_dir = Path(run_dir)
    data = {"flow": flow_name, "goal": goal, "sentence": sentence(rows, goal),
            "devices": [asdict(r) | {"kind": r.kind.removeprefix("a ")} for r in rows]}
    write_text_atomic(run_dir / "devices.json", json.dumps(data, indent=1, ensure_ascii=False))
    write_text_atomic(run_dir / "devices.md", render_markdown(rows, flow_name, goal))
    return {"devices-md": run_dir / "devices.md", "devices-json": run_dir / "devices.json"}
