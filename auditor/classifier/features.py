"""Text to features: character n-grams (spelling, inflection, any script) plus words, word pairs and a
length bucket (a whole sentence is rarely a consent control), hashed into a fixed number of columns.

Hashing keeps the model plain arrays (cacheable without pickles, any language gets features without a
vocabulary), and this small pure-Python featuriser is shared by training and prediction, so one label is
classified in tens of microseconds without the per-call overhead of a scikit-learn pipeline.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import Counter
from functools import lru_cache

import numpy as np

MAX_CHARS = 200  # control labels are short; a longer text is cut (its start says what it is)
N_FEATURES = 2 ** 17
CHAR_NGRAMS = (1, 5)
_WORD = re.compile(r"\w+(?:['’]\w+)?|[^\w\s]", re.U)
_CROSSES = str.maketrans({c: "×" for c in "✕✖✗✘⨯x"})


# Punctuation around a label says nothing of what it does ("Read more…", "› Settings", "Accept!"); sentences
# in the training data end in it, so kept it would pull such labels towards "other".
_FRAME = " .…!?:;,·•-–—>›»«‹<*"


def normalise(text: str) -> str:
    """NFKC, casefolded, whitespace collapsed, framing punctuation stripped, cut to MAX_CHARS; a lone
    cross-like glyph becomes '×'."""
    text = " ".join(unicodedata.normalize("NFKC", text or "").split())[:MAX_CHARS].casefold()
    text = text.strip(_FRAME) or text
    return text.translate(_CROSSES) if len(text) == 1 else text


def _length_bucket(n_words: int) -> str:
    return f"<len{n_words if n_words < 5 else 8 if n_words < 8 else 16 if n_words < 16 else 99}>"


def _column(token: str) -> int:
    return zlib.crc32(token.encode("utf-8")) % N_FEATURES  # stable across runs and platforms


@lru_cache(maxsize=65536)
def _word_columns(word: str) -> tuple[int, ...]:
    """The columns of a word's character n-grams (padded with spaces); words recur across labels."""
    padded = f" {word} "
    lo, hi = CHAR_NGRAMS
    return tuple(_column(padded[i:i + n]) for n in range(lo, min(hi, len(padded)) + 1)
                 for i in range(len(padded) - n + 1))


def hashed_counts(text: str) -> Counter:
    """Column -> count for a raw text (normalised here): character n-grams within words, 'w:word',
    'w:two words' and a length bucket."""
    text = normalise(text)
    counts: Counter = Counter()
    for word in text.split():
        counts.update(_word_columns(word))
    words = _WORD.findall(text)
    counts.update(_column(f"w:{w}") for w in words)
    counts.update(_column(f"w:{a} {b}") for a, b in zip(words, words[1:]))
    counts[_column(_length_bucket(len(words)))] += 1
    return counts


def count_matrix(texts: list[str]):
    """The texts' hashed counts as a scipy CSR matrix (for training)."""
    from scipy import sparse

    rows, cols, vals = [], [], []
    for row, text in enumerate(texts):
        counts = hashed_counts(text)
        rows.extend([row] * len(counts))
        cols.extend(counts)
        vals.extend(counts.values())
    return sparse.csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(len(texts), N_FEATURES))
