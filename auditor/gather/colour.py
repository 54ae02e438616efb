"""The colours a person sees on a control, and their WCAG contrast, from the raw facts the snapshot collects.

The snapshot returns the colour of the text (of the child holding most of it, when the words sit in a
``<span>`` of another colour) and, for that node and every ancestor up to the top document (crossing
shadow hosts and same-origin iframes), the ones that paint or change something: background colour,
``opacity``, ``filter``, ``mix-blend-mode``, a background image, and a ``::before``/``::after`` wash that
covers the box. It also returns the translucent sheets painted over the text (an overlay or backdrop, found
by hit-testing the text's centre) and the text's ``text-shadow``. This module composites those into the two
pixels a person compares, the text's and the background's, the way the browser does:

* every node is a *group*: its own background, a wash below its content, then its content (text last),
  then a wash above; then its ``filter`` (auditor.gather.css_filter) and its ``opacity`` are applied, and
  the group is blended onto what lies behind (CSS Color 4 / Compositing Level 1: ``source-over`` in
  premultiplied sRGB);
* the bottom of the stack is the white canvas; sheets painted over the text come last.

Where a colour the eye gets is not a plain colour (a background image or gradient that shows behind the
text, a sheet or wash that is an image, a blur, a blend mode, a blurred or offset text-shadow) the contrast
is *unknown* and ``measure`` says why: an unknown is never reported as a pass (the snapshot may then read
the rendered pixels, auditor.gather.pixels). coloraide parses every CSS colour syntax and does the WCAG
luminance maths, so sRGB linearisation is not hand-rolled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from coloraide import Color

from auditor.gather import css_filter

CANVAS = (1.0, 1.0, 1.0, 1.0)
OPAQUE = 0.999

# A layer as the snapshot sends it: {"c": "rgb(...)" | None, "o": opacity, "image": bool, "f": filter,
# "blend": mix-blend-mode, "above"/"below": [{"c", "o", "image"}]}. Older traces sent plain strings
# (background colours only, innermost first, with "image" for a background image).
RawLayer = str | dict
_RGBA = tuple[float, float, float, float]  # premultiplied


class _Paint(NamedTuple):
    """A plain sheet of colour (or an image, or a backdrop-filter: colour unknown) with its group's opacity."""
    colour: str | None
    opacity: float
    image: bool = False
    backdrop: bool = False


class _Layer(NamedTuple):
    colour: str | None
    opacity: float
    image: bool = False
    filter: str = ""
    blend: str = ""
    above: tuple[_Paint, ...] = ()
    below: tuple[_Paint, ...] = ()


class Measured(NamedTuple):
    contrast: float | None  # WCAG 2.1 ratio, rounded to 0.01; None when unknown
    background: str  # the background a person sees (the nearest known colour when unknown)
    unknown: str | None  # why the contrast is unknown; None when measured


class _Unknown(Exception):
    """A pixel's colour depends on something that is not a plain colour; the message says what."""


@lru_cache(maxsize=4096)
def _parse(colour: str) -> _RGBA | None:
    """Premultiplied sRGB of a CSS colour; None when it cannot be parsed."""
    try:
        c = Color(colour).convert("srgb")
    except (ValueError, TypeError, AttributeError):
        return None
    r, g, b = (min(max(float(v), 0.0), 1.0) for v in c.coords(nans=False))
    a = min(max(float(c.alpha(nans=False)), 0.0), 1.0)
    return (r * a, g * a, b * a, a)


def _over(top: _RGBA, bottom: _RGBA) -> _RGBA:
    k = 1.0 - top[3]
    return (top[0] + bottom[0] * k, top[1] + bottom[1] * k, top[2] + bottom[2] * k, top[3] + bottom[3] * k)


def _scale(c: _RGBA, opacity: float) -> _RGBA:
    return (c[0] * opacity, c[1] * opacity, c[2] * opacity, c[3] * opacity)


def _opacity(raw: dict) -> float:
    try:
        return min(max(float(raw.get("o", 1.0)), 0.0), 1.0)
    except (TypeError, ValueError):
        return 1.0


def _paint(raw: dict) -> _Paint:
    return _Paint(raw.get("c") or None, _opacity(raw), bool(raw.get("image")), bool(raw.get("backdrop")))


def _paints(raw) -> tuple[_Paint, ...]:
    """Sheets as the snapshot sends them (one dict in older traces); words of another element over the
    text (``text``) are a cover, not a sheet of colour."""
    raws = [raw] if isinstance(raw, dict) else raw or ()
    return tuple(_paint(p) for p in raws if isinstance(p, dict) and not p.get("text"))


def _normalise(layers: Iterable[RawLayer]) -> tuple[_Layer, ...]:
    out = []
    for layer in layers:
        if isinstance(layer, str):  # old traces cannot tell whether an image lies behind the text: skipped
            out.append(_Layer(None if layer == "image" else layer, 1.0))
        elif isinstance(layer, dict):
            out.append(_Layer(layer.get("c") or None, _opacity(layer), bool(layer.get("image")),
                              str(layer.get("f") or ""), str(layer.get("blend") or ""),
                              _paints(layer.get("above")), _paints(layer.get("below"))))
    return tuple(out)


def _sheet(paint: _Paint, what: str) -> _RGBA | None:
    if paint.image:
        raise _Unknown(f"{what} is an image or gradient")
    if paint.backdrop:
        raise _Unknown(f"{what} has a backdrop-filter")
    colour = _parse(paint.colour) if paint.colour else None
    return _scale(colour, paint.opacity) if colour is not None else None


def _group(px: _RGBA, layer: _Layer) -> _RGBA:
    """``px`` (the content so far) inside the group of ``layer``: below-wash, background, above-wash, then
    the group's filter and opacity."""
    for wash in layer.below:
        sheet = _sheet(wash, "a ::before/::after wash behind the text")
        px = _over(px, sheet) if sheet else px
    if layer.image and px[3] < OPAQUE:
        raise _Unknown("the background behind the text is an image or gradient")
    if layer.colour is not None:
        bg = _parse(layer.colour)
        px = _over(px, bg) if bg is not None else px
    for wash in layer.above:
        sheet = _sheet(wash, "a ::before/::after wash over the control")
        px = _over(sheet, px) if sheet else px
    if layer.blend and layer.blend != "normal":
        raise _Unknown(f"mix-blend-mode: {layer.blend[:30]} on the text or an ancestor")
    if layer.filter:
        try:
            px = css_filter.apply(px, css_filter.parse(layer.filter))
        except css_filter.UnsupportedFilter as exc:
            raise _Unknown(f"filter {exc} on the text or an ancestor") from None
    return _scale(px, layer.opacity) if layer.opacity < 1.0 else px


def _pixel(text: _RGBA | None, layers: tuple[_Layer, ...], veils: tuple[_Paint, ...]) -> _RGBA:
    """What the eye gets at a pixel of the text (``text`` given) or of the background next to it.

    ``veils`` are sheets painted on top of everything, topmost first (a translucent backdrop)."""
    px: _RGBA = text if text is not None else (0.0, 0.0, 0.0, 0.0)
    for layer in layers:  # innermost first
        px = _group(px, layer)
    px = _over(px, CANVAS)
    for veil in reversed(veils):
        sheet = _sheet(veil, "a layer painted over the text")
        px = _over(sheet, px) if sheet else px
    return px


def _to_color(px: _RGBA) -> Color:
    return Color("srgb", [px[0], px[1], px[2]])


def _on_screen(px: _RGBA) -> Color:
    """The pixel as the screen shows it: 8 bits a channel (what axe-core's figures round to as well)."""
    return Color("srgb", [round(v * 255) / 255 for v in px[:3]])


_SHADOW_SPLIT = re.compile(r",(?![^()]*\))")
_LENGTH = re.compile(r"(?<![\w.(,])(-?[\d.]+)px")


def _text_ink(colour: str, shadow: str) -> _RGBA | None:
    """The glyph's own pixel: the text colour over any text-shadow drawn exactly beneath it (no offset, no
    blur). A shadow that spreads beyond the glyph is a halo of another colour: raises _Unknown."""
    ink = _parse(colour)
    if ink is None:
        return None
    for part in _SHADOW_SPLIT.split(shadow or ""):
        part = part.strip()
        if not part or part == "none":
            continue
        lengths = [float(v) for v in _LENGTH.findall(part)]
        shade = _parse(_LENGTH.sub("", part).strip() or "currentcolor") or _parse(colour)
        if shade is None or shade[3] <= 0.0:
            continue
        if any(abs(v) > 0.0 for v in lengths[:3]):
            raise _Unknown("the text has a text-shadow with an offset or blur")
        ink = _over(ink, shade)
    return ink


@lru_cache(maxsize=4096)
def _measure(colour: str, layers: tuple[_Layer, ...], veils: tuple[_Paint, ...], shadow: str,
             text_clip: bool) -> Measured:
    try:
        bg_px = _pixel(None, layers, veils)
        bg = _to_color(bg_px)
        if text_clip:
            raise _Unknown("the text is painted with a background image (background-clip: text)")
        ink = _text_ink(colour, shadow)
        if ink is None:
            return Measured(None, bg.to_string(precision=4), None)
        fg = _pixel(ink, layers, veils)
    except _Unknown as exc:
        return Measured(None, _nearest_background(layers, veils), str(exc))
    ratio = _on_screen(fg).contrast(_on_screen(bg_px), method="wcag21")
    return Measured(round(ratio, 2), bg.to_string(precision=4), None)


def _nearest_background(layers: tuple[_Layer, ...], veils: tuple[_Paint, ...]) -> str:
    """The background as composited from the plain colours alone (images, blurs and blends skipped): what
    the report shows beside an unknown contrast."""
    plain = tuple(_Layer(layer.colour, layer.opacity) for layer in layers)
    known = tuple(v for v in veils if not (v.image or v.backdrop))
    return _to_color(_pixel(None, plain, known)).to_string(precision=4)


def measure(colour: str, layers: Sequence[RawLayer], opacity: float = 1.0, overlay: dict | list | None = None,
            text_shadow: str = "", text_clip: bool = False) -> Measured:
    """The text's contrast as a person sees it against its background, or why it cannot be told.

    ``overlay`` is the sheet (or list of sheets, topmost first) painted over the text. ``opacity`` is only
    for the old layer format (plain background strings), which carried the product of all opacities
    separately: it is then applied to the element's own group.
    """
    norm = _normalise(layers)
    if not any(isinstance(layer, dict) for layer in layers) and opacity < 1.0:
        norm = _fade_innermost(norm, opacity)
    return _measure(colour, norm, _paints(overlay), text_shadow or "", bool(text_clip))


def effective_background(layers: Sequence[RawLayer], overlay: dict | list | None = None) -> str:
    """The colour a person sees behind the element's text, after every fill and opacity is composited."""
    return measure("", layers, overlay=overlay).background


def contrast_ratio(colour: str, layers: Sequence[RawLayer], opacity: float = 1.0,
                   overlay: dict | list | None = None) -> float | None:
    """WCAG 2.1 contrast of the text as seen against its effective background; None when unknown."""
    return measure(colour, layers, opacity, overlay).contrast


def _fade_innermost(norm: tuple[_Layer, ...], opacity: float) -> tuple[_Layer, ...]:
    # Old format: text and the element's own background fade together; approximate with the first layer.
    opacity = round(min(max(float(opacity), 0.0), 1.0), 3)
    if not norm:
        return (_Layer(None, opacity),)
    return (norm[0]._replace(opacity=norm[0].opacity * opacity),) + norm[1:]
