"""CSS ``filter`` functions applied to one pixel, so a faded or darkened control is measured as it is seen.

A filter on an element (or an ancestor) changes every pixel of its rendered group, text and background
alike: ``filter: opacity(.3)`` fades a button like ``opacity: .3`` does, ``brightness(.4)`` darkens both,
``contrast(.2)`` pulls both towards grey. The functions below follow Filter Effects Module Level 1 §13
(the shorthand functions, computed on unpremultiplied sRGB values, clamped after each step). Functions
whose effect on a single pixel is not a plain colour mapping (``blur()``, ``drop-shadow()``, an SVG
``url()``) are reported as unsupported: the contrast is then unknown, never a guess.
"""

from __future__ import annotations

import math
import re

_Pixel = tuple[float, float, float, float]  # premultiplied sRGB, 0..1
_FUNCTION = re.compile(r"([a-z-]+)\(([^()]*)\)")
_SUPPORTED = {"opacity", "brightness", "contrast", "grayscale", "invert", "sepia", "saturate", "hue-rotate"}
_CAPPED_AT_ONE = {"opacity", "grayscale", "invert", "sepia"}


class UnsupportedFilter(ValueError):
    """A filter function whose effect on the text's and background's colours is not a colour mapping."""


def parse(value: str) -> tuple[tuple[str, float], ...]:
    """The (function, amount) steps of a computed ``filter`` value, in order; raises UnsupportedFilter."""
    value = (value or "").strip()
    if value in ("", "none"):
        return ()
    steps, end = [], 0
    for m in _FUNCTION.finditer(value):
        if value[end:m.start()].strip():
            raise UnsupportedFilter(value[end:m.start()].strip()[:40])
        name, arg = m.group(1), m.group(2).strip()
        if name not in _SUPPORTED:
            raise UnsupportedFilter(f"{name}()")
        steps.append((name, _amount(name, arg)))
        end = m.end()
    if value[end:].strip():
        raise UnsupportedFilter(value[end:].strip()[:40])
    return tuple(steps)


def _amount(name: str, arg: str) -> float:
    if name == "hue-rotate":
        m = re.fullmatch(r"(-?[\d.]+)(deg|rad|turn|grad)?", arg or "0deg")
        if not m:
            raise UnsupportedFilter(f"{name}({arg[:20]})")
        per_unit = {"deg": 1.0, "rad": 180 / math.pi, "turn": 360.0, "grad": 0.9, None: 1.0}
        return float(m.group(1)) * per_unit[m.group(2)]
    if not arg:
        return 1.0
    m = re.fullmatch(r"([\d.]+)(%?)", arg)
    if not m:
        raise UnsupportedFilter(f"{name}({arg[:20]})")
    amount = float(m.group(1)) / (100.0 if m.group(2) else 1.0)
    return min(amount, 1.0) if name in _CAPPED_AT_ONE else amount


def _matrix(name: str, a: float) -> tuple[tuple[float, float, float], ...]:
    """The colour matrix of grayscale, sepia, saturate and hue-rotate (Filter Effects §13)."""
    if name == "grayscale":
        k = 1 - a
        return ((0.2126 + 0.7874 * k, 0.7152 - 0.7152 * k, 0.0722 - 0.0722 * k),
                (0.2126 - 0.2126 * k, 0.7152 + 0.2848 * k, 0.0722 - 0.0722 * k),
                (0.2126 - 0.2126 * k, 0.7152 - 0.7152 * k, 0.0722 + 0.9278 * k))
    if name == "sepia":
        k = 1 - a
        return ((0.393 + 0.607 * k, 0.769 - 0.769 * k, 0.189 - 0.189 * k),
                (0.349 - 0.349 * k, 0.686 + 0.314 * k, 0.168 - 0.168 * k),
                (0.272 - 0.272 * k, 0.534 - 0.534 * k, 0.131 + 0.869 * k))
    if name == "saturate":
        return ((0.213 + 0.787 * a, 0.715 - 0.715 * a, 0.072 - 0.072 * a),
                (0.213 - 0.213 * a, 0.715 + 0.285 * a, 0.072 - 0.072 * a),
                (0.213 - 0.213 * a, 0.715 - 0.715 * a, 0.072 + 0.928 * a))
    c, s = math.cos(math.radians(a)), math.sin(math.radians(a))  # hue-rotate
    return ((0.213 + c * 0.787 - s * 0.213, 0.715 - c * 0.715 - s * 0.715, 0.072 - c * 0.072 + s * 0.928),
            (0.213 - c * 0.213 + s * 0.143, 0.715 + c * 0.285 + s * 0.140, 0.072 - c * 0.072 - s * 0.283),
            (0.213 - c * 0.213 - s * 0.787, 0.715 - c * 0.715 + s * 0.715, 0.072 + c * 0.928 + s * 0.072))


def _clamp(v: float) -> float:
    return min(max(v, 0.0), 1.0)


def apply(px: _Pixel, steps: tuple[tuple[str, float], ...]) -> _Pixel:
    """``px`` (premultiplied) after the filter ``steps``, each on unpremultiplied values as the spec says."""
    if not steps or px[3] <= 0.0:
        return px
    a = px[3]
    rgb = [px[0] / a, px[1] / a, px[2] / a]
    for name, k in steps:
        if name == "opacity":
            a = _clamp(a * k)
        elif name == "brightness":
            rgb = [_clamp(v * k) for v in rgb]
        elif name == "contrast":
            rgb = [_clamp((v - 0.5) * k + 0.5) for v in rgb]
        elif name == "invert":
            rgb = [_clamp(k * (1 - v) + (1 - k) * v) for v in rgb]
        else:
            m = _matrix(name, k)
            rgb = [_clamp(sum(m[i][j] * rgb[j] for j in range(3))) for i in range(3)]
    return (rgb[0] * a, rgb[1] * a, rgb[2] * a, a)
