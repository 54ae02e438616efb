"""Effective colours and WCAG contrast, from the raw layers the snapshot script collects.

The snapshot returns the element's text colour and the background colours from the element up to the
first opaque ancestor. Compositing those (alpha included) onto the white canvas gives what a person sees
behind the text; coloraide does the colour maths so we do not hand-roll sRGB linearisation.
"""

from __future__ import annotations

from functools import lru_cache

from coloraide import Color

CANVAS = "white"


@lru_cache(maxsize=4096)
def _effective(layers: tuple[str, ...]) -> Color:
    colours = [c for c in layers if c != "image"]
    try:
        return Color.layer([*colours, CANVAS], space="srgb")
    except (ValueError, TypeError):
        return Color(CANVAS)


def effective_background(layers: list[str]) -> str:
    return _effective(tuple(layers)).to_string(precision=4)


@lru_cache(maxsize=4096)
def _contrast(colour: str, layers: tuple[str, ...], opacity: float) -> float | None:
    try:
        fg = Color(colour)
    except (ValueError, TypeError):
        return None
    bg = _effective(layers)
    # Element opacity fades the text into what is behind it.
    fg = fg.set("alpha", fg.alpha() * max(0.0, min(opacity, 1.0)))
    seen = Color.layer([fg, bg], space="srgb")
    return round(seen.contrast(bg, method="wcag21"), 2)


def contrast_ratio(colour: str, layers: list[str], opacity: float = 1.0) -> float | None:
    """WCAG 2.1 contrast of the text as seen against its effective background."""
    return _contrast(colour, tuple(layers), round(opacity, 3))
