"""An Exploration written as a flow file: the paths the search proved, in words a person can review.

The explorer hands back actions (a label, a role, a CSS selector that found the control). A reviewer, and
the audit that replays them, need a flow: ``click: {role: button, name: Reject all}`` reads like the page
and survives a redesign of its markup, so that is the first choice; the visible text comes next; the CSS
selector is used only when the words would not find the control alone (no label, or a label shared by
several visible controls). The flow is produced as YAML text and parsed back with the flow loader, so the
Flow the audit replays is by construction the one ``--save-flow`` writes.

``done`` says what the search proved: the consent UI went away (``gone``), or, for a panel that stays
open, the choice the page stored.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import yaml

from auditor import __version__
from auditor.exploration import Action, Exploration, FoundPath
from auditor.flow.spec import Flow, parse_flow

# Roles Playwright's get_by_role finds by accessible name; anything else is located by its text.
READABLE_ROLES = frozenset({"button", "link", "checkbox", "switch", "radio", "tab", "menuitem",
                            "menuitemcheckbox", "menuitemradio", "option"})


class NotReplayable(ValueError):
    """The exploration has no path to write (no consent UI, nothing found) or a control nobody could name."""


def locator_for(action: Action) -> dict[str, str]:
    """role+name, else text; css when the words are missing or shared by several visible controls."""
    label = " ".join(action.label.split())
    ambiguous = getattr(action, "label_unique", None) is False
    if action.css and (not label or ambiguous):
        return {"css": action.css}
    if not label:
        raise NotReplayable(f"a {action.kind} on a control with no label and no CSS selector cannot be replayed")
    if action.role in READABLE_ROLES:
        return {"role": action.role, "name": label}
    return {"text": label}


def _step(action: Action) -> dict:
    return {action.kind: locator_for(action)}


def _done(exploration: Exploration, path: FoundPath) -> dict:
    """What holds after the path: the consent UI gone (its root when the search names it, else the control
    that closed it), or, for a panel that stays open, the choice the page stored."""
    if path.closed:
        ui_css = getattr(exploration, "ui_css", None)
        if ui_css:
            return {"gone": {"css": ui_css}}
        last = locator_for(path.actions[-1])  # the control that closed it went with it
        return {"gone": {"css": last["css"]} if "css" in last else last.get("name") or last["text"]}
    if path.stored_choice:  # the panel stays open: what the page stored is the proof
        return {"stored": dict(path.stored_choice)}
    raise NotReplayable("a path that neither closed the consent notice nor stored a choice proves nothing")


def flow_name(exploration: Exploration) -> str:
    parsed = urlparse(exploration.url)
    where = (parsed.netloc + parsed.path.rstrip("/")) or exploration.url
    return f"explore {where} ({exploration.goal})"


def flow_document(exploration: Exploration, user_agent: str | None = None) -> dict:
    """The flow file's content as plain data (goal path, baseline, done conditions); ``user_agent`` when the
    search ran with one the user chose, so the replay presents the same browser."""
    goal = exploration.goal_path
    if exploration.status != "found" or goal is None or not goal.actions:
        raise NotReplayable(f"the exploration of {exploration.url} found no path to replay "
                            f"(status {exploration.status})")
    doc: dict = {"name": flow_name(exploration), "start": exploration.url, "goal": exploration.goal,
                 "path": [_step(a) for a in goal.actions], "done": _done(exploration, goal)}
    base = exploration.baseline_path
    if base is not None and base.actions:
        doc["baseline"] = {"path": [_step(a) for a in base.actions], "done": _done(exploration, base)}
    # A real site: whether the refusal is respected is part of the audit (docs/after-the-choice.md).
    doc["settings"] = {"after_choice": True} | ({"user_agent": user_agent} if user_agent else {})
    return doc


def _header(exploration: Exploration) -> str:
    """Comment lines on how the paths were found; only numbers and the URL (one line), never page text."""
    url = " ".join(exploration.url.split())
    e = exploration
    lines = [f"Found by consent-audit {__version__} explore on {url}",
             f"goal {e.goal}: {_clicks(e.goal_path)}; accept: {_clicks(e.baseline_path)}",
             (f"search: {e.states_visited} states visited, {e.actions_spent} actions, {e.page_loads} page loads, "
              f"{e.seconds:.1f} s"),
             "Review the locators, then re-run with: consent-audit audit <this file>"]
    return "".join(f"# {line}\n" for line in lines)


def _clicks(path: FoundPath | None) -> str:
    return "not found" if path is None else f"{path.clicks} click(s), the shortest found"


def flow_yaml(exploration: Exploration, user_agent: str | None = None) -> str:
    body = yaml.safe_dump(flow_document(exploration, user_agent), sort_keys=False, allow_unicode=True,
                          default_flow_style=None, width=120)
    return _header(exploration) + body


def to_flow(exploration: Exploration, user_agent: str | None = None) -> Flow:
    """The Flow the audit replays: parsed from the same YAML ``save_flow`` writes."""
    return parse_flow(flow_yaml(exploration, user_agent), file="<explored flow>")


def save_flow(exploration: Exploration, path: Path, user_agent: str | None = None) -> Path:
    from auditor.evidence.atomic import write_text_atomic

    write_text_atomic(Path(path), flow_yaml(exploration, user_agent))
    return Path(path)
