"""The situation a path's browser context puts the audit in: which device, which exit to the web (a proxy
or a named region), and which sign-in, decided from the flow's settings here and nowhere else.

Every path gets a fresh context built from ``Situated.options``; what the site saw is recorded as the
path's ``Situation`` (auditor/trace.py). Secrets (``{env.NAME}`` in the proxy URL or the login steps) are
read from the environment only here and in auditor.gather.login, and are never written to a Situation,
a reason, or any evidence: a proxy is recorded as scheme://host:port. See docs/situations.md.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from playwright.sync_api import Error as PlaywrightError

from auditor.config import ConfigError, load_settings
from auditor.flow.spec import ENV_PLACEHOLDER, Flow, FlowError
from auditor.gather.browser import DEVICES
from auditor.trace import PathTrace, Situation

_DESCRIPTOR_OPTIONS = ("viewport", "screen", "user_agent", "device_scale_factor", "is_mobile", "has_touch")
_IP_TOKEN = re.compile(r"[0-9A-Fa-f:.]{3,45}")
ECHO_TIMEOUT_S = 10.0


def secret(value: str, flow: Flow, loc: tuple) -> str:
    """``value`` with its {env.NAME} placeholders filled from the environment; a missing variable is bad
    input naming the flow file's line and the variable (never a value)."""
    def sub(m: re.Match) -> str:
        if m.group(1) not in os.environ:
            raise FlowError(flow.source or "<flow>", flow.line_of(*loc),
                            f"{m.group(0)}: the environment variable {m.group(1)} is not set")
        return os.environ[m.group(1)]
    return ENV_PLACEHOLDER.sub(sub, value)


def device_descriptor(flow: Flow) -> dict:
    """The context options of ``settings.device`` (empty for none); an unknown name lists close matches."""
    name = flow.settings.device
    if name is None:
        return {}
    by_folded = {known.casefold(): known for known in DEVICES}
    known = by_folded.get(name.casefold())
    if known is None:
        close = difflib.get_close_matches(name.casefold(), by_folded, n=5, cutoff=0.5)
        hint = ", ".join(repr(by_folded[c]) for c in close) or "none; see playwright.devices"
        raise FlowError(flow.source or "<flow>", flow.line_of("settings", "device"),
                        f"unknown device {name!r}; close matches: {hint}")
    return {k: v for k, v in DEVICES[known].items() if k in _DESCRIPTOR_OPTIONS} | {"_name": known}


def proxy_url(flow: Flow) -> tuple[str | None, str | None]:
    """(region, proxy URL with placeholders) from settings.proxy or settings.region; regions come from
    [tool.consent-audit.regions] of the pyproject.toml nearest the flow file, then the current folder's."""
    s = flow.settings
    if s.region is None:
        return None, s.proxy
    try:
        regions = load_settings().regions | load_settings(Path(flow.base_dir) if flow.base_dir else None).regions
    except ConfigError as exc:
        raise FlowError(flow.source or "<flow>", flow.line_of("settings", "region"), str(exc)) from None
    if s.region not in regions:
        raise FlowError(flow.source or "<flow>", flow.line_of("settings", "region"),
                        f"unknown region {s.region!r}; [tool.consent-audit.regions] names: "
                        f"{', '.join(sorted(regions)) or 'none'}")
    return s.region, regions[s.region]


def proxy_option(url: str, flow: Flow) -> tuple[dict, str]:
    """(Playwright's proxy option, the server as recorded: no credentials)."""
    parsed = urlparse(url)
    server = f"{parsed.scheme}://{parsed.hostname}" + (f":{parsed.port}" if parsed.port else "")
    option = {"server": server}
    loc = ("settings", "proxy" if flow.settings.proxy else "region")
    if parsed.username:
        option["username"] = unquote(secret(parsed.username, flow, loc))
    if parsed.password:
        option["password"] = unquote(secret(parsed.password, flow, loc))
    return option, server


@dataclass
class Situated:
    """What a path's context is made of (``options`` for browser.new_context) and what the site saw."""

    options: dict = field(default_factory=dict)
    record: Situation = field(default_factory=Situation)
    failure: tuple[str, str] | None = None  # (failure, reason) when the sign-in failed


def situate(browser, flow: Flow, user_agent: str | None, start: str) -> Situated:
    """The context options for one path of ``flow`` (device, proxy, storage state), then the login, if the
    flow has one, in a context of its own that records nothing, and the exit IP, if the flow names an echo."""
    from auditor.gather.login import LoginFailed, sign_in

    s = flow.settings
    device = device_descriptor(flow)
    explicit = s.model_fields_set
    options: dict = {k: v for k, v in device.items() if not k.startswith("_")}
    if "viewport" in explicit or not device:
        options["viewport"] = s.viewport
    options["user_agent"] = s.user_agent or device.get("user_agent") or user_agent
    options.update(locale=s.locale, timezone_id=s.timezone, accept_downloads=False, service_workers="block")
    record = Situation(device=device.get("_name"), viewport=dict(options["viewport"]),
                       has_touch=bool(options.get("has_touch")), is_mobile=bool(options.get("is_mobile")),
                       device_scale_factor=float(options.get("device_scale_factor") or 1.0))
    record.region, url = proxy_url(flow)
    if url is not None:
        options["proxy"], record.proxy = proxy_option(url, flow)
    state = flow.storage_state_path()
    if state is not None:
        options["storage_state"] = str(state)  # read by Playwright; never copied into the run folder
        record.signed_in = "storage-state"
    situated = Situated(options, record)
    if flow.login is None and s.ip_echo_url is None:
        return situated
    context = browser.new_context(**options)  # no HAR, video or tracing: the sign-in leaves no evidence
    try:
        if flow.login is not None:
            try:
                steps = sign_in(context, flow, start)
            except LoginFailed as exc:
                situated.failure = (exc.failure, f"the sign-in (login) failed before the path began: {exc}")
                return situated
            options["storage_state"] = context.storage_state()
            record.signed_in = "storage-state+login" if state is not None else "login"
            record.login = f"signed in: login ran, {steps} step{'s' if steps != 1 else ''}"
        if s.ip_echo_url is not None:
            record.exit_ip = _exit_ip(context, s.ip_echo_url)
    finally:
        context.close()
    return situated


def _exit_ip(context, url: str) -> str:
    """The address the echo endpoint reports (its answer is untrusted: only an IP address is kept)."""
    page = context.new_page()
    try:
        page.goto(url, timeout=ECHO_TIMEOUT_S * 1000)
        answer = page.evaluate("() => document.body ? document.body.innerText.slice(0, 2000) : ''")
    except PlaywrightError as exc:
        return f"unknown (the echo {url[:200]} failed: {str(exc).splitlines()[0][:200]})"
    finally:
        page.close()
    for token in _IP_TOKEN.findall(answer):
        try:
            return str(ipaddress.ip_address(token.strip(".:")))
        except ValueError:
            continue
    return "unknown (the echo answered without an IP address)"


def refuse_path(trace: PathTrace, failure: str, reason: str) -> None:
    """The path could not begin because its sign-in failed: nothing of the flow's path was reached."""
    trace.status, trace.failure, trace.failed_step, trace.reason = "incomplete", failure, None, reason
