"""Containers' checks written as specialised Python functions, compiled in batches.

A structure's function tests each member in place (``'name' in value``, then the member's inline
test: exact type, enum values, length or range), calls its container members' functions, and
counts the members found to know there is no unknown key. It builds no error: at the first doubt it
returns its node's ``report`` (the interpreted check, errors in payload order), handing over the
errors a member's function found so they are not sought twice.

Page and model strings never become code: a member name is only ever a ``repr()``'d constant (a
dict key), every other value (enum values, bounds, types, the reports) a namespace entry named by a
counter. Only this module's own text is compiled.
"""

from __future__ import annotations

from typing import Any

from .nodes import Entry, ListNode, MapNode, Node, StructureNode, accept

_INDENT = "    "


class Generator:
    """Names and functions of one compiler's entries: ``add`` a container when it is built, ``flush``
    to compile every function added since (one ``compile`` for a whole operation's new nodes)."""

    def __init__(self) -> None:
        self._namespace: dict[str, Any] = {"__builtins__": {"type": type, "len": len, "dict": dict, "list": list}}
        self._constants: dict[int, str] = {}  # id -> name (the namespace keeps the object alive)
        self._pending: list[tuple[Entry, Node]] = []

    def add(self, entry: Entry, node: Node) -> None:
        """A container's entry: its ``check`` stays the node's report until the next ``flush``."""
        self.name(entry)
        self._pending.append((entry, node))

    def name(self, entry: Entry) -> str:
        """The name of an entry's check in the generated code."""
        if entry.name is None:
            entry.name = f"c{len(self._namespace)}"
            self._namespace[entry.name] = entry.check
        return entry.name

    def flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        source = "\n".join(line for entry, node in pending for line in self._function(entry, node))
        exec(compile(source, "<check>", "exec"), self._namespace)  # our text; page strings are repr()'d constants
        for entry, _node in pending:
            entry.check = self._namespace[self.name(entry)]

    def _constant(self, value: Any) -> str:
        name = self._constants.get(id(value))
        if name is None:
            name = self._constants[id(value)] = f"k{len(self._namespace)}"
            self._namespace[name] = value
        return name

    def _function(self, entry: Entry, node: Node) -> list[str]:
        report = self._constant(node.report)
        if isinstance(node, StructureNode):
            body = self._structure(node, report)
        elif isinstance(node, ListNode):
            body = self._list(node, report)
        else:
            body = self._map(node, report)
        return [f"def {self.name(entry)}(value):", *_indented(body)]

    def _structure(self, node: StructureNode, report: str) -> list[str]:
        union = " or len(value) != 1" if node.union else ""
        lines = [f"if type(value) is not dict{union}:", f"    return {report}(value)"]
        if not node.members:
            return [*lines, "if value:", f"    return {report}(value)", "return None"]
        lines.append("n = 0")
        for i, (name, member) in enumerate(node.members.items()):  # the first i members are valid
            key = repr(name)  # a page's string, as a constant
            lines += [f"if {key} in value:", "    n += 1"]
            lines += _indented(self._member(member, f"value[{key}]", f"{report}(value, {i}, {key}, found)"))
            if name in node.needed:
                lines += ["else:", f"    return {report}(value, {i})"]
        return [*lines, "if n != len(value):", f"    return {report}(value, {len(node.members)})", "return None"]

    def _list(self, node: ListNode, report: str) -> list[str]:
        lines = [f"if type(value) is not list{self._sizes(node.sizes)}:", f"    return {report}(value)"]
        body = self._member(node.member, "item", f"{report}(value, item, found)")
        if body != ["pass"]:
            lines += ["for item in value:", *_indented(body)]
        return [*lines, "return None"]

    def _map(self, node: MapNode, report: str) -> list[str]:
        lines = [f"if type(value) is not dict{self._sizes(node.sizes)}:", f"    return {report}(value)"]
        keys = self._member(node.keys, "key", f"{report}(value)")
        values = self._member(node.member, "item", f"{report}(value, key, found)")
        body = [line for part in (keys, values) if part != ["pass"] for line in part]
        if body:
            lines += ["for key, item in value.items():", *_indented(body)]
        return [*lines, "return None"]

    def _sizes(self, sizes: range | None) -> str:
        return "" if sizes is None else f" or len(value) not in {self._constant(sizes)}"

    def _member(self, entry: Entry, value: str, failed: str) -> list[str]:
        """Lines that return ``failed`` (with ``found``, the errors) when ``value`` does not pass ``entry``."""
        if entry.check is accept:
            return ["pass"]
        call = [f"found = {self.name(entry)}(x)", "if found:", f"    return {failed}"]
        test = self._test(entry, "x")
        if test is None:
            return [f"found = {self.name(entry)}({value})", "if found:", f"    return {failed}"]
        return [f"x = {value}", f"if not ({test}):", *_indented(call)]

    def _test(self, entry: Entry, x: str) -> str | None:
        """The entry's inline test of variable ``x`` as an expression, None where it has none."""
        if entry.types is None:
            return None
        if len(entry.types) == 1:
            parts = [f"type({x}) is {self._constant(next(iter(entry.types)))}"]
        else:
            parts = [f"type({x}) in {self._constant(entry.types)}"]
        if entry.values is not None:
            parts.append(f"{x} in {self._constant(entry.values)}")
        if entry.sized is not None:
            parts.append(f"len({x}) in {self._constant(entry.sized)}")
        if entry.span is not None:
            low, high = entry.span
            parts.append(f"{self._constant(low)} <= {x} <= {self._constant(high)}")
        return " and ".join(parts)


def _indented(lines: list[str]) -> list[str]:
    return [_INDENT + line for line in lines]
