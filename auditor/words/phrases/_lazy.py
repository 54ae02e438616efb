"""A phrase pattern compiled on first use, so that importing the phrase lists costs nothing.

Every concept's pattern covers 26 languages and hundreds of phrases; compiling all of them took about half a
second, paid by every process that imports a heuristic (the CLI's ``--help``, each batch worker, each test
run) whether or not a page is ever searched. A :class:`LazyPattern` stands where the compiled pattern stood
(``from auditor.words.phrases import SHAMING``; ``SHAMING.search(text)``) and compiles it the first time any
of the pattern's attributes is asked for, once per process.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property


class LazyPattern:
    """A compiled ``re.Pattern`` built by ``build`` on first use; every attribute is the pattern's own."""

    def __init__(self, build: Callable[[], re.Pattern]) -> None:
        self._build = build

    @cached_property
    def compiled(self) -> re.Pattern:
        """The pattern itself (compiled now if this is its first use)."""
        return self._build()

    def __getattr__(self, name: str):
        if name.startswith("_"):  # copy, pickle and friends probe these before __init__ ran
            raise AttributeError(name)
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        state = "compiled" if "compiled" in self.__dict__ else "not compiled yet"
        return f"<LazyPattern, {state}>"
