"""Change one value of a scorecard's YAML text and nothing else: comments, order and layout are kept.

A tuned scorecard is a new version a person approves and reads: rewriting the whole file through a YAML
dumper would drop every comment that explains a criterion. Instead the value's span in the text (found by
composing the YAML, which keeps each node's position) is replaced by the new value in flow style, or a new
key is put in front of the mapping's first key with the same indentation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from callqa.core.errors import CallqaError, ErrorCode

Path = Sequence[str | int]
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def flow(value: Any) -> str:
    """``value`` as one line of YAML (flow style, Unicode kept)."""
    text = yaml.safe_dump(
        value, default_flow_style=True, allow_unicode=True, width=1 << 30, sort_keys=False
    ).strip()
    return text.removesuffix("...").strip()


def _child(node: yaml.Node, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        found: yaml.Node | None = next(
            (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None
        )
        return found
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        item: yaml.Node = node.value[key]
        return item
    return None


def _value_at(data: Any, path: Path) -> Any:
    for key in path:
        data = data[key]
    return data


def set_value(text: str, path: Path, value: Any) -> str:
    """The text with the value at ``path`` (mapping keys and list indexes from the top) set to ``value``;
    the last key is added to its mapping when missing. Raises a coded error when the path does not lead to
    a mapping or list of the text."""
    if not path:
        raise ValueError("set_value needs a path")
    where = "/".join(str(k) for k in path)
    node: yaml.Node | None = yaml.compose(text, Loader=_Loader)
    for key in path[:-1]:
        node = None if node is None else _child(node, key)
    if node is None or not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        raise CallqaError(
            ErrorCode.S101, path="(tuned)", where=where, reason="no such place in the scorecard"
        )
    target = _child(node, path[-1])
    if target is not None:
        start, end = target.start_mark.index, target.end_mark.index
        while end > start and text[end - 1] in " \t\r\n":
            end -= 1
        edited = text[:start] + flow(value) + text[end:]
    elif isinstance(node, yaml.MappingNode) and node.value:
        first = node.value[0][0]
        if node.flow_style:
            entry = f"{flow(path[-1])}: {flow(value)}, "
            edited = text[: first.start_mark.index] + entry + text[first.start_mark.index :]
        else:
            indent = " " * first.start_mark.column
            entry = f"{flow(path[-1])}: {flow(value)}\n{indent}"
            edited = text[: first.start_mark.index] + entry + text[first.start_mark.index :]
    else:
        raise CallqaError(ErrorCode.S101, path="(tuned)", where=where, reason="cannot add a key here")
    if _value_at(yaml.load(edited, Loader=_Loader), path) != value:
        raise CallqaError(ErrorCode.S101, path="(tuned)", where=where, reason="the edit did not read back")
    return edited
