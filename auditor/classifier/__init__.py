"""The affordance classifier: what a control's text does on a consent notice, in 26 languages.

``classify(texts)`` labels a list, ``affordance(text)`` one text; both remember what they saw and give
``Prediction(label, score)`` with the label from ``labels.LABELS``. The model is trained from the
shipped CSV files at first use and cached on disk (see model.py); nothing is fetched at run time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from auditor.classifier.labels import (
    ACCEPTING,
    DESCRIPTIONS,
    LABELS,
    LEADING_ON,
    MIN_SCORE,
    REFUSING,
)

__all__ = ["ACCEPTING", "DESCRIPTIONS", "LABELS", "LEADING_ON", "MIN_SCORE", "REFUSING", "Prediction",
           "affordance", "classify", "trained_model"]


class Prediction(NamedTuple):
    label: str
    score: float

    @property
    def confident_label(self) -> str:
        """The label, or "other" when the model is not sure enough to act on it (labels.MIN_SCORE)."""
        return self.label if self.score >= MIN_SCORE else "other"


@lru_cache(maxsize=1)
def trained_model():
    """The model for the shipped data, loaded (or trained) once per process."""
    from auditor.classifier.model import load_model

    return load_model()


def classify(texts: list[str]) -> list[Prediction]:
    """One prediction per text, in order; texts already seen come from the cache."""
    found = {t: _cached[t] for t in texts if t in _cached}
    missing = [t for t in dict.fromkeys(texts) if t not in found]
    for text, (label, score) in zip(missing, trained_model().predict(missing)):
        found[text] = _remember(text, Prediction(label, round(score, 4)))
    return [found[t] for t in texts]


def affordance(text: str) -> Prediction:
    return classify([text])[0]


_CACHE_SIZE = 65536
_cached: dict[str, Prediction] = {}


def _remember(text: str, prediction: Prediction) -> Prediction:
    if len(_cached) >= _CACHE_SIZE:
        _cached.pop(next(iter(_cached)))  # oldest first: page labels repeat within a run, not across runs
    _cached[text] = prediction
    return prediction
