"""Training the affordance model at first use, and caching it on disk as plain arrays (no pickles).

The model is hashed n-gram counts (features.py) -> tf-idf -> a linear model with logistic loss
(one-vs-rest, probabilities normalised over the labels), fitted by SGD: on these ~7,000 texts it trains in
seconds where lbfgs took minutes, at the same accuracy. Training is deterministic (fixed seed, fixed
epochs), so the cache is only a speed-up: it is keyed by the sha256 of the data files, the scikit-learn
version, the featuriser's source (features.py: any change to it retrains) and the settings below, written
atomically, read with ``allow_pickle=False``, and any failure to read or write it just means training in
memory.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib.metadata import version
from pathlib import Path

import numpy as np

from auditor.classifier import features
from auditor.classifier.data import Example, data_files, fingerprint, load_examples

# The featuriser's own source is part of the key: any change to it (normalisation, n-grams) retrains.
LAYOUT = f"{hashlib.sha256(Path(features.__file__).read_bytes()).hexdigest()[:16]}:sgd-log"
ALPHA = 3e-6  # regularisation: fits the shipped texts (99.8% of them) at the best held-out accuracy measured
EPOCHS = 30
SEED = 0


class AffordanceModel:
    """A trained model: ``predict(texts)`` gives (label, probability) per text.

    Prediction is done here, not by scikit-learn, because one label at a time is the common call (the
    heuristics ask about each control): sublinear tf times idf, l2-normalised (as TfidfTransformer), then
    the linear scores of the hashed columns present, a sigmoid per label and normalisation over the labels
    (as SGDClassifier.predict_proba for the logistic loss).
    """

    def __init__(self, idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray, classes: np.ndarray):
        self.idf = np.asarray(idf, dtype=np.float64)
        self.weights = np.ascontiguousarray(np.asarray(coef, dtype=np.float64).T)  # column -> label scores
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.classes = [str(c) for c in classes]

    def probabilities(self, text: str) -> np.ndarray:
        counts = features.hashed_counts(text)
        cols = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        x = (1.0 + np.log(tf)) * self.idf[cols]
        x /= np.sqrt(x @ x)
        p = 1.0 / (1.0 + np.exp(-(x @ self.weights[cols] + self.intercept)))
        return p / p.sum()

    def predict(self, texts: list[str]) -> list[tuple[str, float]]:
        out = []
        for text in texts:
            p = self.probabilities(text)
            best = int(p.argmax())
            out.append((self.classes[best], float(p[best])))
        return out

    def arrays(self) -> dict[str, np.ndarray]:
        return {"idf": self.idf, "coef": self.weights.T, "intercept": self.intercept,
                "classes": np.array(self.classes)}


def train(examples: list[Example]) -> AffordanceModel:
    # scikit-learn is imported only to train: loading a cached model and predicting need numpy alone
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import SGDClassifier

    counts = features.count_matrix([e.text for e in examples])
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    linear = SGDClassifier(loss="log_loss", alpha=ALPHA, max_iter=EPOCHS, tol=None, random_state=SEED,
                           class_weight="balanced")
    linear.fit(tfidf.transform(counts), [e.label for e in examples])
    return AffordanceModel(tfidf.idf_, linear.coef_, linear.intercept_, linear.classes_)


def cache_dir() -> Path:
    if os.environ.get("CONSENT_AUDIT_CACHE"):
        return Path(os.environ["CONSENT_AUDIT_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "consent-audit"


def cache_key(files: list[Path]) -> str:
    recipe = f"{fingerprint(files)}:{version('scikit-learn')}:{LAYOUT}:{ALPHA}:{EPOCHS}:{SEED}"
    return hashlib.sha256(recipe.encode()).hexdigest()


def cache_path(key: str) -> Path:
    return cache_dir() / f"affordance-{key[:24]}.npz"


def _read_cache(path: Path, key: str) -> AffordanceModel | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            if str(z["key"]) != key:
                return None
            return AffordanceModel(z["idf"], z["coef"], z["intercept"], z["classes"])
    except Exception:  # missing, unreadable, truncated, from another version: train instead
        return None


def _write_cache(path: Path, key: str, model: AffordanceModel) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".affordance-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez_compressed(f, key=np.array(key), **model.arrays())
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        for old in path.parent.glob("affordance-*.npz"):  # models of earlier data: never read again
            if old != path:
                old.unlink(missing_ok=True)
    except Exception:  # a read-only home, a full disk: the model still works from memory
        pass


def load_model() -> AffordanceModel:
    """The cached model for the shipped data, trained (and cached) first if there is none."""
    files = data_files()
    key = cache_key(files)
    path = cache_path(key)
    model = _read_cache(path, key)
    if model is None:
        model = train(load_examples(files))
        _write_cache(path, key, model)
    return model
