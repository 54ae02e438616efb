"""YAML loading that remembers where every value came from, so errors can say "flow.yaml:12".

PyYAML's composer gives nodes with marks; we construct plain Python data ourselves and keep a table
from each value's path (('path', 2, 'click')) to its 1-based line.
"""

from __future__ import annotations

from typing import Any

import yaml

Path_ = tuple[Any, ...]
_SCALARS = yaml.SafeLoader("")


class YamlError(ValueError):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


MAX_DEPTH = 64  # a flow file is a few levels deep
MAX_VALUES = 100_000  # anchors and aliases could otherwise expand a small file exponentially


def _construct(node: yaml.Node, here: Path_, lines: dict[Path_, int], budget: list[int] | None = None) -> Any:
    budget = budget if budget is not None else [MAX_VALUES]
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlError(node.start_mark.line + 1, f"the document expands to more than {MAX_VALUES:,} values "
                                                  "(anchors and aliases); a flow file needs far fewer")
    if len(here) > MAX_DEPTH:
        raise YamlError(node.start_mark.line + 1, f"values are nested more than {MAX_DEPTH} levels deep")
    lines[here] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, here + ("<key>",), {}, budget)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlError(key_node.start_mark.line + 1, "mapping keys must be plain words")
            if key in out:
                raise YamlError(key_node.start_mark.line + 1, f"the key {key!r} appears twice")
            out[key] = _construct(value_node, here + (key,), lines, budget)
            lines[here + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(child, here + (i,), lines, budget) for i, child in enumerate(node.value)]
    # Scalars: the composer already resolved the tag (int, bool, null, str); construct it the standard way.
    try:
        return _SCALARS.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:  # '!!int abc', '!custom', '!!binary %'
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise YamlError(node.start_mark.line + 1, f"not valid YAML: {problem} ({node.tag} {node.value!r:.40})") from None


def load_with_lines(text: str) -> tuple[Any, dict[Path_, int]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct began (the line a person must fix).
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        if exc.context and exc.problem_mark and mark is not exc.problem_mark:
            problem = f"{exc.context}: {problem} (line {exc.problem_mark.line + 1})"
        raise YamlError(line, f"not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(None, f"not valid YAML: {exc}") from None
    except RecursionError:
        raise YamlError(None, "not valid YAML: values are nested too deeply") from None
    lines: dict[Path_, int] = {}
    if node is None:
        return None, lines
    return _construct(node, (), lines), lines


def line_for(loc: Path_, lines: dict[Path_, int]) -> int | None:
    """The line of the deepest known prefix of a location."""
    for n in range(len(loc), -1, -1):
        if tuple(loc[:n]) in lines:
            return lines[tuple(loc[:n])]
    return None
