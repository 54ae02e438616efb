"""Which layers of a page are its consent notice, without per-CMP rules.

A layer is a dialog (``<dialog>``, ``role=dialog``/``alertdialog``, ``aria-modal``), a fixed or sticky
box, or a child frame's document (a hosted notice, same- or cross-origin), each across open shadow
roots (js/view.js). It is consent UI when the affordance classifier, which reads the 26 languages,
confidently finds a choice among its controls: an accept, a refusal, an objection or a save; a bare
"close" or "got it" counts when the layer also offers settings (a notice without any refusal). The page
itself (no layer) counts only when it offers acceptance next to a refusal, settings or save: an inline
banner at the top of the page, never a page that merely has buttons.
"""

from __future__ import annotations

from collections import defaultdict

from playwright.sync_api import Page

from auditor.gather.explore.view import View, read_view

CHOICES = frozenset({"accept", "reject", "object", "save"})
REFUSAL_OR_MORE = frozenset({"reject", "object", "settings", "save"})


def _is_page_layer(layer: str) -> bool:
    return layer == "#0|"  # the main frame with no dialog or fixed box around the control


def consent_layers(view: View) -> list[str]:
    """The view's layers that are consent UI, in page order."""
    labels: dict[str, set[str]] = defaultdict(set)
    for control in view.controls:
        if not control.disabled:
            labels[control.layer].add(control.confident)
    found = []
    for layer, seen in labels.items():
        if _is_page_layer(layer):
            if "accept" in seen and seen & REFUSAL_OR_MORE:
                found.append(layer)
        elif seen & CHOICES or ("dismiss" in seen and "settings" in seen):
            found.append(layer)
    return found


def look(page: Page) -> View:
    """The page as a person sees it now, with its consent layers marked."""
    view = read_view(page)
    view.consent_layers = consent_layers(view)
    return view
