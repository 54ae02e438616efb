"""Cross-validated accuracy of the affordance classifier: ``python -m auditor.classifier.evaluate``.

Stratified 5-fold cross-validation with a fixed seed over the shipped data (each text once), training the
same model as at run time on four folds and predicting the fifth. Prints the accuracy overall, per label
and per language, the macro-F1, the rows per source and the prediction speed, for the release notes and
for the floors held by tests/test_classifier.py.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from auditor.classifier.data import Example, load_examples
from auditor.classifier.model import train

FOLDS = 5
SEED = 0


@dataclass
class Evaluation:
    examples: list[Example]
    predicted: list[str]
    scores: list[float]

    def accuracy(self, keep=lambda e: True) -> tuple[float, int]:
        pairs = [(e.label, p) for e, p in zip(self.examples, self.predicted) if keep(e)]
        return (sum(a == b for a, b in pairs) / len(pairs) if pairs else 0.0), len(pairs)

    def by(self, key) -> dict[str, tuple[float, int]]:
        return {k: self.accuracy(lambda e, k=k: key(e) == k) for k in sorted({key(e) for e in self.examples})}

    def macro_f1(self) -> float:
        return float(f1_score([e.label for e in self.examples], self.predicted, average="macro"))


def cross_validate(examples: list[Example] | None = None) -> Evaluation:
    examples = load_examples() if examples is None else examples
    labels = [e.label for e in examples]
    predicted, scores = [""] * len(examples), [0.0] * len(examples)
    for train_idx, test_idx in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(examples, labels):
        model = train([examples[i] for i in train_idx])
        for i, (label, score) in zip(test_idx, model.predict([examples[i].text for i in test_idx])):
            predicted[i], scores[i] = label, score
    return Evaluation(examples, predicted, scores)


def source_group(source: str) -> str:
    """'hand:objection' as is; a library row's 'package@version:file#key' as its package@version."""
    return source if source.startswith("hand:") else source.split(":", 1)[0]


def _table(title: str, rows: dict[str, tuple[float, int]]) -> str:
    lines = [f"| {title} | accuracy | texts |", "|---|---:|---:|"]
    lines += [f"| {k} | {acc:.1%} | {n} |" for k, (acc, n) in rows.items()]
    return "\n".join(lines)


def _full_model() -> tuple[float, float, float]:
    """For the model trained on all data: CPU seconds to train, CPU microseconds per text for 1,000 texts
    not seen before, and its accuracy on the shipped texts themselves.

    CPU time, not wall time, so the figures do not depend on what else the machine is running."""
    examples = load_examples()
    t0 = time.process_time()
    model = train(examples)
    trained = time.process_time() - t0
    texts = [f"{e.text} {i}" for i, e in enumerate(examples[:1000])]
    t0 = time.process_time()
    model.predict(texts)
    per_text = (time.process_time() - t0) / len(texts) * 1e6
    fitted = sum(p == e.label for (p, _), e in zip(model.predict([e.text for e in examples]), examples))
    return trained, per_text, fitted / len(examples)


def main() -> None:
    ev = cross_validate()
    overall, n = ev.accuracy()
    print(f"{FOLDS}-fold stratified cross-validation (seed {SEED}) on {n} texts")
    print(f"accuracy {overall:.1%}, macro-F1 {ev.macro_f1():.3f}\n")
    print(_table("label", ev.by(lambda e: e.label)), "\n")
    print(_table("language", ev.by(lambda e: e.lang)), "\n")
    sources = Counter(source_group(e.source) for e in ev.examples)
    print("| source | texts |\n|---|---:|\n" + "\n".join(f"| {s} | {c} |" for s, c in sorted(sources.items())), "\n")
    confusions: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e, p in zip(ev.examples, ev.predicted):
        if e.label != p:
            confusions[(e.label, p)].append(f"{e.text} ({e.lang})")
    print("most frequent confusions (true -> predicted):")
    for (true, pred), texts in sorted(confusions.items(), key=lambda kv: -len(kv[1]))[:10]:
        print(f"  {true} -> {pred}: {len(texts)}, e.g. {'; '.join(texts[:4])}")
    trained, per_text, fitted = _full_model()
    print(f"\ntrained on all {n} texts: {trained:.1f} s CPU, {fitted:.1%} of them classified right; "
          f"prediction: {per_text:.0f} µs CPU per new text")


if __name__ == "__main__":
    main()
