"""One page state, as a short hash: what the consent UI shows and what the page has stored.

Two click paths that leave a person looking at the same notice, with the same switches set and the same
choice stored, lead to the same state and are explored once. The hash covers the consent layers (their
ids and visible text), every consent control's label, role and checked state, and the stored entries
(normalised, so a fresh time stamp does not make a new state). Text outside the consent UI is left out:
a clock or a carousel on the page must not multiply states.
"""

from __future__ import annotations

import hashlib
import json

from auditor.gather.explore.stored import normalised
from auditor.gather.explore.view import View


def fingerprint(view: View, stored: dict[str, str]) -> str:
    layers = [[layer, view.layer_texts.get(layer, "")] for layer in view.consent_layers]
    controls = [[c.layer, c.label, c.role, c.checked, c.disabled] for c in view.consent_controls]
    choice = sorted((k, normalised(v)) for k, v in stored.items())
    blob = json.dumps([layers, controls, choice], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:24]
