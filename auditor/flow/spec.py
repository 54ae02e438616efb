"""Flow files: what to audit, in the user's words, validated with errors that point at a line.

A flow names a start page, the goal (object, reject, ...), the path a person takes to reach it, the
``done`` condition that proves it was reached, and optionally a ``baseline`` path to the opposite choice.
Unknown keys are errors (a typo must not silently drop a step); ``{identity.x}`` placeholders are filled
from the flow's ``identity`` so no real personal data is ever typed into an audited page.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from auditor.flow.yaml_lines import YamlError, line_for, load_with_lines
from auditor.suppression import Suppression, SuppressionEntry

Goal = Literal["object", "reject", "opt-out", "withdraw", "unsubscribe", "delete"]
GOALS = ("object", "reject", "opt-out", "withdraw", "unsubscribe", "delete")
LOCATOR_KEYS = ("text", "role", "label", "placeholder", "css", "testid")
STEP_KINDS = ("goto", "click", "fill", "check", "uncheck", "select", "press", "wait")
DEFAULT_STEP_TIMEOUT_S = 10.0
DEFAULT_FLOW_TIMEOUT_S = 180.0
# Domains reserved for examples and tests (RFC 2606 / RFC 6761): typing them into a page exposes nobody.
SAFE_EMAIL_DOMAINS = re.compile(r"@([\w.-]+\.)?(example\.(com|org|net)|example|invalid|test|localhost)$", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PLACEHOLDER = re.compile(r"\{identity\.([A-Za-z_][\w-]*)\}")
# Secrets (a password, a proxy's credentials) come from the environment at run time, never from the flow
# file, and only where they cannot reach the evidence: login steps and settings.proxy.
ENV_PLACEHOLDER = re.compile(r"\{env\.([A-Za-z_][A-Za-z0-9_]*)\}")
PROXY_SCHEMES = ("http", "https", "socks5")
# Phone numbers reserved for fiction and tests (digits only): UK Ofcom drama ranges 07700 900xxx,
# 01632 960xxx and 020 7946 0xxx, and North American 555-0100..0199.
SAFE_PHONES = re.compile(r"(44|0)(7700900\d{3}|1632960\d{3}|2079460\d{3})|1?(\d{3})?55501\d\d")
_PHONE_KEY = re.compile(r"phone|mobile|tel|gsm|cell", re.I)
_PHONE = re.compile(r"\+?\d[\d\s().\-/]{5,}\d")


class FlowError(ValueError):
    """A flow file is wrong. The message names the file, the line and what was expected."""

    def __init__(self, file: str, line: int | None, message: str):
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")
        self.file, self.line, self.detail = file, line, message


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Locator(_Strict):
    """What a person sees: visible text, a role and its name, a field's label, ... (see DESIGN.md)."""

    text: str | None = None
    role: str | None = None
    name: str | None = None
    label: str | None = None
    placeholder: str | None = None
    css: str | None = None
    testid: str | None = None
    exact: bool | None = Field(None, description="true: whole-text match only; false: substring only")
    timeout: float | None = Field(None, gt=0, description="seconds to wait for the target (per step)")

    @model_validator(mode="after")
    def _one_way_to_find(self) -> "Locator":
        given = [k for k in LOCATOR_KEYS if getattr(self, k) is not None]
        if not given:
            raise ValueError(f"a locator needs one of: {', '.join(LOCATOR_KEYS)}")
        if len(given) > 1:
            raise ValueError(f"a locator takes one of {', '.join(LOCATOR_KEYS)}, not several ({', '.join(given)})")
        if self.name is not None and self.role is None:
            raise ValueError("'name' goes with 'role' (e.g. {role: button, name: Accept})")
        return self

    def describe(self) -> str:
        if self.role:
            return f'{self.role} "{self.name}"' if self.name else self.role
        for k in ("text", "label", "placeholder", "testid", "css"):
            if getattr(self, k) is not None:
                return f'{k} "{getattr(self, k)}"'
        return "?"


class FillArgs(Locator):
    value: str


class PressArgs(_Strict):
    key: str
    text: str | None = None
    role: str | None = None
    name: str | None = None
    label: str | None = None
    placeholder: str | None = None
    css: str | None = None
    testid: str | None = None
    timeout: float | None = Field(None, gt=0)

    def target(self) -> Locator | None:
        fields = {k: getattr(self, k) for k in (*LOCATOR_KEYS, "name") if getattr(self, k) is not None}
        return Locator(**fields, timeout=self.timeout) if fields else None


class GotoArgs(_Strict):
    url: str
    timeout: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _web_only(self) -> "GotoArgs":
        scheme = urlparse(self.url).scheme.lower()
        if scheme and scheme not in ("http", "https"):
            raise ValueError(f"goto opens http(s) pages or paths relative to the current page, not {self.url!r}")
        return self


class WaitArgs(_Strict):
    seconds: float | None = Field(None, ge=0, le=600)
    text: str | None = None
    timeout: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _something(self) -> "WaitArgs":
        if self.seconds is None and self.text is None:
            raise ValueError("wait needs 'seconds' or 'text'")
        return self


_ARGS: dict[str, type[BaseModel]] = {
    "goto": GotoArgs, "click": Locator, "check": Locator, "uncheck": Locator, "fill": FillArgs,
    "select": FillArgs, "press": PressArgs, "wait": WaitArgs,
}


class Step(BaseModel):
    """One action, written as a one-key mapping: ``- click: {text: Accept}``."""

    model_config = ConfigDict(extra="forbid")
    action: str
    args: Any
    line: int | None = None
    raw: dict = Field(default_factory=dict)

    @property
    def locator(self) -> Locator | None:
        if isinstance(self.args, Locator):
            return self.args
        if isinstance(self.args, PressArgs):
            return self.args.target()
        return None

    @property
    def timeout(self) -> float | None:
        return getattr(self.args, "timeout", None)


class Done(_Strict):
    """The proof the goal was reached. Every key given must hold."""

    text: str | None = None
    gone: str | Locator | None = None
    css: str | None = None
    url: str | None = None
    stored: dict[str, str] | None = Field(None, description="cookie, localStorage or sessionStorage key -> the "
                                          "value the choice stored there (any frame; compared URL-decoded): "
                                          "the proof when a panel stays open and shows the choice only in "
                                          "its toggles")
    timeout: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _something(self) -> "Done":
        if not any(getattr(self, k) is not None for k in ("text", "gone", "css", "url", "stored")):
            raise ValueError("done needs at least one of: text, gone, css, url, stored")
        return self


class Settings(_Strict):
    step_timeout: float = Field(DEFAULT_STEP_TIMEOUT_S, gt=0, le=600, description="seconds per step")
    flow_timeout: float = Field(DEFAULT_FLOW_TIMEOUT_S, gt=0, le=3600, description="seconds per path")
    viewport: dict[str, int] = Field(default_factory=lambda: {"width": 1280, "height": 720})
    locale: str = "en-GB"
    timezone: str = "Europe/Brussels"
    dialogs: Literal["accept", "dismiss"] = "accept"
    prompt_answer: str = ""
    allow_real_identity: bool = False
    user_agent: str | None = Field(None, description="the browser's user agent; default: the installed "
                                   "Chromium presenting as an ordinary desktop Chrome (not HeadlessChrome)")
    device: str | None = Field(None, description="a Playwright device descriptor ('iPhone 13', 'Pixel 7'): its "
                               "viewport, user agent, touch and pixel ratio; viewport or user_agent given here win")
    storage_state: str | None = Field(None, description="a Playwright storage-state JSON (cookies, localStorage) "
                                      "every path starts with, relative to the flow file; never copied")
    proxy: str | None = Field(None, description="scheme://[user:password@]host:port; credentials as {env.NAME}")
    region: str | None = Field(None, description="a region named in [tool.consent-audit.regions] (its proxy)")
    ip_echo_url: str | None = Field(None, description="a URL answering with the address it sees: recorded as "
                                    "the exit IP")
    after_choice: bool = Field(False, description="after each path, capture cookies, storage and requests to "
                               "other sites, then reload and look again: is the choice respected? "
                               "(docs/after-the-choice.md; a reload, about 1.5 s a path; explore turns it on)")

    @field_validator("proxy")
    @classmethod
    def _proxy_url(cls, url: str | None) -> str | None:
        parsed = urlparse(url) if url is not None else None
        if parsed is not None and (parsed.scheme not in PROXY_SCHEMES or not parsed.hostname):
            raise ValueError(f"proxy must look like http://host:port (schemes: {', '.join(PROXY_SCHEMES)})")
        return url

    @field_validator("ip_echo_url")
    @classmethod
    def _echo_url(cls, url: str | None) -> str | None:
        if url is not None and urlparse(url).scheme not in ("http", "https"):
            raise ValueError("ip_echo_url must be an http(s) URL")
        return url

    @model_validator(mode="after")
    def _one_exit(self) -> "Settings":
        if self.proxy is not None and self.region is not None:
            raise ValueError("give 'proxy' or 'region' (a named proxy), not both")
        return self


class Baseline(_Strict):
    start: str | None = None
    path: list[Step] = Field(min_length=1)
    done: Done


class Login(_Strict):
    """Signs in before each path, in a context of its own that records nothing (docs/situations.md)."""

    start: str | None = None
    path: list[Step] = Field(min_length=1)
    done: Done


class Flow(_Strict):
    name: str = Field(min_length=1)
    start: str
    goal: Goal
    identity: dict[str, str] = Field(default_factory=dict)
    login: Login | None = None
    path: list[Step] = Field(min_length=1)
    done: Done
    baseline: Baseline | None = None
    settings: Settings = Field(default_factory=Settings)
    suppress: list[SuppressionEntry] = Field(default_factory=list, description="findings the team reviewed and "
                                             "accepts, each with a reason (docs/suppressions.md)")
    # Filled by load_flow, not by the user:
    source: str | None = None
    sha256: str | None = None
    base_dir: str | None = None
    _lines: dict = PrivateAttr(default_factory=dict)
    _project_suppressions: list = PrivateAttr(default_factory=list)

    def suppressions(self) -> list[Suppression]:
        """The flow file's suppressions (SARIF kind inSource, located at their line), then the project's
        ([tool.consent-audit] suppress, kind external) given by with_project_suppressions."""
        own = [Suppression(**entry.model_dump(), kind="inSource",
                           source=f"{self.source or '<flow>'}:{self.line_of('suppress', i) or '?'}")
               for i, entry in enumerate(self.suppress)]
        return own + list(self._project_suppressions)

    def with_project_suppressions(self, suppressions: list[Suppression]) -> "Flow":
        """This flow with the project's suppressions added to its own (the CLI reads them from pyproject)."""
        copy = self.model_copy()
        copy._project_suppressions = list(suppressions)
        return copy

    def line_of(self, *loc) -> int | None:
        """The flow file's line for a location such as ('settings', 'device'): errors found at run time
        point at the line too."""
        return line_for(loc, self._lines)

    def with_situation(self, storage_state: str | Path | None = None, device: str | None = None,
                       proxy: str | None = None, region: str | None = None) -> "Flow":
        """This flow with the command line's situation (--storage-state, --device, --proxy, --region) over its
        settings: a proxy replaces the flow's region and a region its proxy. A storage-state path is taken as
        given (relative to the current folder), not relative to the flow file."""
        changes: dict[str, Any] = {}
        if storage_state is not None:
            changes["storage_state"] = str(Path(storage_state).resolve())
        if device is not None:
            changes["device"] = device
        if proxy is not None:
            changes.update(proxy=proxy, region=None)
        if region is not None:
            changes.update(region=region, proxy=None)
        settings = Settings.model_validate({**self.settings.model_dump(exclude_unset=True), **changes})
        return self.model_copy(update={"settings": settings})

    def storage_state_path(self) -> Path | None:
        """The storage-state file, relative to the flow file's folder."""
        if self.settings.storage_state is None:
            return None
        return Path(self.base_dir or ".") / self.settings.storage_state

    @property
    def slug(self) -> str:
        """A file-system-safe folder name from the flow's name (never from page content)."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")
        return slug[:60] or "flow"


def _parse_step(raw: Any, loc: tuple, lines: dict) -> Step:
    line = line_for(loc, lines)
    if not isinstance(raw, dict) or len(raw) != 1:
        raise _LocatedError(loc, "a step is a mapping with exactly one action, e.g. '- click: {text: Accept}'")
    action, args = next(iter(raw.items()))
    if action not in _ARGS:
        raise _LocatedError(loc + (action,), f"unknown step kind {action!r}; expected one of {', '.join(STEP_KINDS)}")
    if action == "goto" and isinstance(args, str):
        args = {"url": args}
    if action == "press" and isinstance(args, str):
        args = {"key": args}
    if action == "wait" and isinstance(args, (int, float)):
        args = {"seconds": args}
    if not isinstance(args, dict):
        raise _LocatedError(loc + (action,), f"'{action}' takes a mapping, e.g. {{text: ...}}")
    try:
        parsed = _ARGS[action].model_validate(args)
    except ValidationError as exc:
        raise _LocatedError(loc + (action,), exc) from None
    return Step(action=action, args=parsed, line=line, raw=raw)


def _parse_path(raw: list, loc: tuple, identity: dict[str, str], lines: dict) -> list[Step]:
    """The steps of a path (the goal's or the baseline's), placeholders filled."""
    return [_parse_step(_fill_placeholders(s, identity, loc + (i,)), loc + (i,), lines) for i, s in enumerate(raw)]


class _LocatedError(Exception):
    def __init__(self, loc: tuple, problem: Any):
        self.loc, self.problem = loc, problem


def _fill_placeholders(value: Any, identity: dict[str, str], loc: tuple) -> Any:
    if isinstance(value, str):
        def sub(m: re.Match) -> str:
            if m.group(1) not in identity:
                raise _LocatedError(loc, f"placeholder {m.group(0)} has no value in 'identity' "
                                         f"(it has: {', '.join(sorted(identity)) or 'nothing'})")
            return identity[m.group(1)]
        return _PLACEHOLDER.sub(sub, value)
    if isinstance(value, dict):
        return {k: _fill_placeholders(v, identity, loc + (k,)) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_placeholders(v, identity, loc + (i,)) for i, v in enumerate(value)]
    return value


def _check_identity(identity: dict[str, str], allow_real: bool) -> None:
    if allow_real:
        return
    for key, value in identity.items():
        for email in _EMAIL.finditer(str(value)):
            if not SAFE_EMAIL_DOMAINS.search(email.group(0)):
                raise _LocatedError(("identity", key), (
                    f"{email.group(0)!r} looks like a real address; audits type only placeholder identities "
                    "such as objector@example.invalid (set settings.allow_real_identity: true to override)"))
        if not (_PHONE_KEY.search(key) or str(value).strip().startswith("+")):
            continue
        for phone in _PHONE.finditer(str(value)):
            digits = re.sub(r"\D", "", phone.group(0))
            if len(digits) >= 7 and not SAFE_PHONES.fullmatch(digits):
                raise _LocatedError(("identity", key), (
                    f"{phone.group(0)!r} looks like a real phone number; audits type only numbers reserved for "
                    "fiction such as +44 7700 900123 or 555-0123 (set settings.allow_real_identity: true to override)"))


def _format_validation(exc: ValidationError) -> list[tuple[tuple, str]]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown key {loc[-1]!r}"
        elif err["type"] == "missing":
            msg = f"missing required key {loc[-1]!r}"
        elif err["type"] == "literal_error":
            msg = f"{err.get('input')!r} is not allowed here; {msg.lower()}"
        out.append((loc, msg))
    return out


def parse_flow(text: str, file: str = "<flow>", base_dir: Path | None = None) -> Flow:
    """A validated Flow from YAML text, or a FlowError naming file, line and what was expected."""
    try:
        data, lines = load_with_lines(text)
    except YamlError as exc:
        raise FlowError(file, exc.line, exc.message) from None
    if not isinstance(data, dict):
        raise FlowError(file, 1, "a flow file is a mapping with at least: name, start, goal, path, done")
    try:
        identity = data.get("identity") or {}
        if not isinstance(identity, dict) or not all(isinstance(v, (str, int, float)) for v in identity.values()):
            raise _LocatedError(("identity",), "identity is a mapping of placeholder names to strings")
        identity = {str(k): str(v) for k, v in identity.items()}
        settings_raw = data.get("settings") or {}
        allow_real = isinstance(settings_raw, dict) and settings_raw.get("allow_real_identity") is True
        _check_identity(identity, allow_real)
        doc = dict(data)
        if isinstance(doc.get("path"), list):
            doc["path"] = _parse_path(doc["path"], ("path",), identity, lines)
        for part in ("baseline", "login"):
            if isinstance(doc.get(part), dict) and isinstance(doc[part].get("path"), list):
                doc[part] = dict(doc[part])
                doc[part]["path"] = _parse_path(doc[part]["path"], (part, "path"), identity, lines)
        _check_secrets_stay_out(data)
        flow = Flow.model_validate(doc)
    except _LocatedError as exc:
        if isinstance(exc.problem, ValidationError):
            loc, msg = _format_validation(exc.problem)[0]
            loc = exc.loc + loc
        else:
            loc, msg = exc.loc, str(exc.problem)
        raise FlowError(file, line_for(loc, lines), f"{_where(loc)}{msg}") from None
    except ValidationError as exc:
        loc, msg = _format_validation(exc)[0]
        raise FlowError(file, line_for(loc, lines), f"{_where(loc)}{msg}") from None
    _check_start(flow, file, lines, base_dir)
    _check_storage_state(flow, file, lines, base_dir)
    flow._lines = lines
    flow.source = file
    flow.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    flow.base_dir = str(base_dir) if base_dir else None
    return flow


def _where(loc: tuple) -> str:
    if not loc:
        return ""
    item = "entry" if loc[0] == "suppress" else "step"
    parts = [f"{item} {p + 1}" if isinstance(p, int) else str(p) for p in loc]
    return "in '" + " > ".join(parts) + "': "


def _check_secrets_stay_out(data: dict) -> None:
    """{env.NAME} anywhere but the login and the proxy would put a secret into a recorded step or report."""
    def walk(value: Any, loc: tuple) -> None:
        if loc in (("login",), ("settings", "proxy")):
            return
        if isinstance(value, str) and ENV_PLACEHOLDER.search(value):
            raise _LocatedError(loc, f"{ENV_PLACEHOLDER.search(value).group(0)} is allowed only in 'login' steps "
                                     "and settings.proxy: everything else is recorded as evidence")
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            walk(item, loc + (key,))
    walk(data, ())


def _check_storage_state(flow: Flow, file: str, lines: dict, base_dir: Path | None) -> None:
    state = flow.settings.storage_state
    if state is None or base_dir is None:
        return
    if not (base_dir / state).is_file():
        raise FlowError(file, line_for(("settings", "storage_state"), lines),
                        f"storage_state {state!r} does not exist (looked for {base_dir / state})")


def _check_start(flow: Flow, file: str, lines: dict, base_dir: Path | None) -> None:
    for loc, start in ((("start",), flow.start), (("baseline", "start"), flow.baseline.start if flow.baseline else None),
                       (("login", "start"), flow.login.start if flow.login else None)):
        if start is None:
            continue
        parsed = urlparse(start)
        if parsed.scheme in ("http", "https"):
            if not parsed.netloc:
                raise FlowError(file, line_for(loc, lines), f"{start!r} is not a valid URL (no host)")
            continue
        if parsed.scheme:
            raise FlowError(file, line_for(loc, lines),
                            f"start must be an http(s) URL or a path relative to the flow file, not {start!r}")
        if base_dir is not None and not (base_dir / parsed.path).is_file():
            raise FlowError(file, line_for(loc, lines),
                            f"start page {start!r} does not exist (looked for {base_dir / parsed.path})")


def load_flow(path: Path | str) -> Flow:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FlowError(str(path), None, "no such flow file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FlowError(str(path), None, f"cannot read the flow file ({exc})") from None
    return parse_flow(text, str(path), path.parent.resolve())
