"""Effective colours and WCAG contrast, from the raw layers the snapshot script collects.

The snapshot returns the element's text colour and, for the element and every ancestor up to the top
document (crossing shadow hosts and same-origin iframes), the ones that paint or fade something: their
background colour and their ``opacity``. This module composites those into the two pixels a person
compares, the text's and the background's, the way the browser does:

* every ancestor's opacity makes a *group*: its content (own background, then everything inside it,
  text last) is rendered, then blended onto what lies behind with that opacity (CSS Color 4 / Compositing
  Level 1: ``source-over`` in premultiplied sRGB);
* the bottom of the stack is the white canvas.

So a faded button fades its fill *and* its text towards the page, and a faded banner fades everything in
it. A translucent sheet on top (an overlay that lets clicks through) is composited over both pixels last. Background images (gradients, pictures) are unknown colours and are skipped: the contrast is then an
estimate against the nearest known colour. coloraide parses every CSS colour syntax and does the WCAG
luminance maths, so sRGB linearisation is not hand-rolled.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Sequence, Union

from coloraide import Color

CANVAS = (1.0, 1.0, 1.0, 1.0)

# A layer as the snapshot sends it: {"c": "rgb(...)" | None, "o": opacity}; older traces sent plain strings
# (background colours only, innermost first, with "image" for a background image).
RawLayer = Union[str, dict]
_RGBA = tuple[float, float, float, float]  # premultiplied


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


def _layer(raw: dict) -> tuple[str | None, float]:
    """(colour or None, opacity clamped to 0..1) of a layer or overlay as the snapshot sends it."""
    try:
        o = min(max(float(raw.get("o", 1.0)), 0.0), 1.0)
    except (TypeError, ValueError):
        o = 1.0
    return (raw.get("c") or None, o)


def _normalise(layers: Iterable[RawLayer]) -> tuple[tuple[str | None, float], ...]:
    out = []
    for layer in layers:
        if isinstance(layer, str):
            out.append((None if layer == "image" else layer, 1.0))
        elif isinstance(layer, dict):
            out.append(_layer(layer))
    return tuple(out)


def _pixel(text: str | None, layers: tuple[tuple[str | None, float], ...],
           overlay: tuple[str | None, float] | None = None) -> _RGBA:
    """What the eye gets at a pixel of the text (``text`` given) or of the background next to it.

    ``overlay`` is a sheet painted on top of everything (a translucent veil that lets clicks through).
    """
    px: _RGBA = (0.0, 0.0, 0.0, 0.0)
    if text is not None:
        px = _parse(text) or px
    for colour, opacity in layers:  # innermost first: paint the node's own background below its content
        if colour is not None:
            bg = _parse(colour)
            if bg is not None:
                px = _over(px, bg)
        if opacity < 1.0:
            px = _scale(px, opacity)
    px = _over(px, CANVAS)
    if overlay is not None and overlay[0] is not None:
        veil = _parse(overlay[0])
        if veil is not None:
            px = _over(_scale(veil, overlay[1]), px)
    return px


def _to_color(px: _RGBA) -> Color:
    return Color("srgb", [px[0], px[1], px[2]])


_Overlay = tuple[str | None, float] | None


def _overlay(raw: dict | None) -> _Overlay:
    return _layer(raw) if isinstance(raw, dict) else None


@lru_cache(maxsize=4096)
def _background(layers: tuple[tuple[str | None, float], ...], overlay: _Overlay = None) -> str:
    return _to_color(_pixel(None, layers, overlay)).to_string(precision=4)


def effective_background(layers: Sequence[RawLayer], overlay: dict | None = None) -> str:
    """The colour a person sees behind the element's text, after every fill and opacity is composited."""
    return _background(_normalise(layers), _overlay(overlay))


@lru_cache(maxsize=4096)
def _contrast(colour: str, layers: tuple[tuple[str | None, float], ...], overlay: _Overlay = None) -> float | None:
    if _parse(colour) is None:
        return None
    fg = _to_color(_pixel(colour, layers, overlay))
    bg = _to_color(_pixel(None, layers, overlay))
    return round(fg.contrast(bg, method="wcag21"), 2)


def contrast_ratio(colour: str, layers: Sequence[RawLayer], opacity: float = 1.0,
                   overlay: dict | None = None) -> float | None:
    """WCAG 2.1 contrast of the text as seen against its effective background.

    ``opacity`` is only for the old layer format (plain background strings), which carried the product of
    all opacities separately: it is then applied to the element's own group. The new format carries each
    node's opacity in its layer and ``opacity`` is ignored.
    """
    norm = _normalise(layers)
    if not any(isinstance(layer, dict) for layer in layers) and opacity < 1.0:
        norm = _fade_innermost(norm, opacity)
    return _contrast(colour, norm, _overlay(overlay))


def _fade_innermost(norm: tuple[tuple[str | None, float], ...], opacity: float) -> tuple:
    # Old format: text and the element's own background fade together; approximate with the first layer.
    opacity = round(min(max(float(opacity), 0.0), 1.0), 3)
    if not norm:
        return ((None, opacity),)
    (c, o), rest = norm[0], norm[1:]
    return ((c, o * opacity),) + rest
