"""Containers' checks written as specialised Python functions, compiled in batches.

A structure's function tests each member in place (``'name' in value``, then the member's inline
test: exact type, enum values, length or range), calls its container members' functions, and
counts the members found to know there is no unknown key. It builds no error: at the first doubt it
returns its node's ``report`` (the interpreted check, errors in payload order), handing over the
errors a member's function found so they are not sought twice.

An operation's input (``hot``) gets a second function with its container members written inline, up
to a budget, so a valid payload makes few calls; a doubt there hands the inner report's errors to
each enclosing report in turn, exactly as the nested functions' returns would.

Page and model strings never become code: a member name is only ever a ``repr()``'d constant (a
dict key), a length or size bound an ``int()`` written as a literal, every other value (enum values,
value bounds, types, the reports) a namespace entry named by a counter. Only this module's own text
is compiled.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

from .nodes import Entry, ListNode, MapNode, Node, StructureNode, accept

_INDENT = "    "


class Generator:
    """Names and functions of one compiler's entries: ``add`` a container when it is built, ``flush``
    to compile every function added since (one ``compile`` for a whole operation's new nodes)."""

    def __init__(self) -> None:
        self._namespace: dict[str, Any] = {
            "__builtins__": {"type": type, "len": len, "dict": dict, "list": list, "KeyError": KeyError}
        }
        self._constants: dict[int, str] = {}  # id -> name (the namespace keeps the object alive)
        self._pending: list[tuple[Entry, Node]] = []
        self._hot: dict[int, tuple[Entry, str]] = {}  # id -> (entry kept alive, its inlined function's name)
        self._hot_pending: list[tuple[Entry, str]] = []
        self._hot_left = 0  # members the inlined functions of this flush may still write
        self._inlining = False  # writing an inlined function (its children past the budget: theirs)

    def add(self, entry: Entry, node: Node) -> None:
        """A container's entry: its ``check`` stays the node's report until the next ``flush``."""
        self.name(entry)
        self._pending.append((entry, node))

    def hot(self, entry: Entry) -> None:
        """An entry called from outside (an operation's input): at the next ``flush`` its ``check``
        becomes a function with its children written inline (see ``_container``)."""
        if entry.node is not None:
            self._hot_name(entry)

    def name(self, entry: Entry) -> str:
        """The name of an entry's check in the generated code."""
        if entry.name is None:
            entry.name = f"c{len(self._namespace)}"
            self._namespace[entry.name] = entry.check
        return entry.name

    def flush(self) -> None:
        if not self._pending and not self._hot_pending:
            return
        pending, self._pending = self._pending, []
        source = [line for entry, node in pending for line in self._function(entry, node, self.name(entry), 0)]
        hot, self._hot_left, self._inlining = [], _HOT_LIMIT, True
        while self._hot_pending:  # an inlined function's children past its budget get theirs, while the limit lasts
            entry, name = self._hot_pending.pop()
            assert entry.node is not None
            hot.append((entry, name))
            source += self._function(entry, entry.node, name, _BUDGET)
        self._inlining = False
        exec(compile("\n".join(source), "<check>", "exec"), self._namespace)  # our text; page strings are repr()'d
        for entry, _node in pending:
            entry.check = self._namespace[self.name(entry)]
        for entry, name in hot:
            entry.check = self._namespace[name]

    def _hot_name(self, entry: Entry) -> str:
        found = self._hot.get(id(entry))
        if found is None:
            found = self._hot[id(entry)] = (entry, f"h{len(self._namespace)}")
            self._namespace[found[1]] = entry.check
            self._hot_pending.append(found)
        return found[1]

    def _constant(self, value: Any) -> str:
        name = self._constants.get(id(value))
        if name is None:
            name = self._constants[id(value)] = f"k{len(self._namespace)}"
            self._namespace[name] = value
        return name

    def _function(self, entry: Entry, node: Node, name: str, budget: int) -> list[str]:
        """``entry``'s function: its children's functions called, or (``budget``, in members) written inline."""
        body = self._container(node, "value", 0, lambda errors: [f"return {errors}"], [budget])
        return [f"def {name}(value):", *_indented(body), _INDENT + "return None"]

    def _container(self, node: Node, value: str, depth: int, fail: Fail, budget: list[int]) -> list[str]:
        """Lines that fall through when ``value`` passes ``node`` and else run ``fail`` of its errors (the
        reports' expression). A container child is written inline while ``budget`` (lines) lasts: its
        failure is its report's errors handed to the parent's report, as its function's return would be."""
        report = self._constant(node.report)
        if isinstance(node, StructureNode):
            lines = self._structure(node, report, value, depth, fail, budget)
        elif isinstance(node, ListNode):
            lines = self._list(node, report, value, depth, fail, budget)
        else:
            lines = self._map(node, report, value, depth, fail, budget)
        return lines

    def _structure(
        self, node: StructureNode, report: str, value: str, depth: int, fail: Fail, budget: list[int]
    ) -> list[str]:
        union = f" or len({value}) != 1" if node.union else ""
        lines = [f"if type({value}) is not dict{union}:", *_indented(fail(f"{report}({value})"))]
        if not node.members:
            return [*lines, f"if {value}:", *_indented(fail(f"{report}({value})"))]
        # Unknown keys: the members found are counted, required ones from the start (reaching the end,
        # each was there); a count short of the payload's keys means a key no member has.
        n, x = f"n{depth}", f"x{depth}"
        count, optional, start = sum(1 for name in node.members if name in node.needed), False, len(lines)
        for i, (name, member) in enumerate(node.members.items()):  # the first i members are valid
            key = repr(name)  # a page's string, as a constant

            def failed(errors: str, i: int = i, key: str = key) -> list[str]:
                return fail(f"{report}({value}, {i}, {key}, {errors})")

            if name not in node.needed:
                optional = True
                lines += [f"if {key} in {value}:", f"    {n} += 1"]
                lines += _indented(self._member(member, f"{value}[{key}]", x, depth, failed, budget))
            elif member.check is accept:
                lines += [f"if {key} not in {value}:", *_indented(fail(f"{report}({value}, {i})"))]
            else:  # present in every valid payload: one lookup, the exception only when it is missing
                lines += ["try:", f"    {x} = {value}[{key}]", "except KeyError:"]
                lines += _indented(fail(f"{report}({value}, {i})"))
                lines += self._member(member, x, x, depth, failed, budget)
        if optional:
            lines.insert(start, f"{n} = {count}")  # after the type test
        total = n if optional else str(count)
        return [*lines, f"if {total} != len({value}):", *_indented(fail(f"{report}({value}, {len(node.members)})"))]

    def _list(self, node: ListNode, report: str, value: str, depth: int, fail: Fail, budget: list[int]) -> list[str]:
        sizes = self._sizes(node.sizes, value)
        lines = [f"if type({value}) is not list{sizes}:", *_indented(fail(f"{report}({value})"))]
        item = f"i{depth}"

        def failed(errors: str) -> list[str]:
            return fail(f"{report}({value}, {item}, {errors})")

        body = self._member(node.member, item, item, depth, failed, budget)
        if body:
            lines += [f"for {item} in {value}:", *_indented(body)]
        return lines

    def _map(self, node: MapNode, report: str, value: str, depth: int, fail: Fail, budget: list[int]) -> list[str]:
        sizes = self._sizes(node.sizes, value)
        lines = [f"if type({value}) is not dict{sizes}:", *_indented(fail(f"{report}({value})"))]
        key, item = f"k{depth}", f"i{depth}"

        def failed(errors: str) -> list[str]:
            return fail(f"{report}({value}, {key}, {errors})")

        keys = self._member(node.keys, key, key, depth, lambda _errors: fail(f"{report}({value})"), budget)
        body = keys + self._member(node.member, item, item, depth, failed, budget)
        if body:
            lines += [f"for {key}, {item} in {value}.items():", *_indented(body)]
        return lines

    def _sizes(self, sizes: range | None, value: str) -> str:
        test = "" if sizes is None else _within(sizes, value)
        return f" or not ({test})" if test else ""

    def _member(self, entry: Entry, value: str, x: str, depth: int, fail: Fail, budget: list[int]) -> list[str]:
        """Lines that run ``fail`` (of ``found``, the errors) when ``value`` does not pass ``entry``; ``x``:
        the variable it is kept in (the value itself where that is a variable)."""
        if entry.check is accept:
            return []
        node, budget[0] = entry.node, budget[0] - 1
        if node is not None and budget[0] > 0 and depth < _DEPTH:
            self._hot_left -= 1
            load = [] if x == value else [f"{x} = {value}"]
            return [*load, *self._container(node, x, depth + 1, fail, budget)]
        name = self.name(entry)
        if node is not None and self._inlining and self._hot_left > 0:
            name = self._hot_name(entry)
        call = [f"found = {name}({x})", "if found:", *_indented(fail("found"))]
        test = self._test(entry, x)
        if test is None:
            return [f"found = {name}({value})", "if found:", *_indented(fail("found"))]
        load = [] if x == value else [f"{x} = {value}"]
        return [*load, f"if not ({test}):", *_indented(call)]

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
        if entry.sized is not None and _within(entry.sized, x):
            parts.append(_within(entry.sized, x))
        if entry.span is not None:
            low, high = entry.span
            parts.append(self._span(low, high, x))
        return " and ".join(parts)

    def _span(self, low: float, high: float, x: str) -> str:
        """``low <= x <= high`` without an infinite side (NaN still fails: one side always remains)."""
        if low == -math.inf and high != math.inf:
            return f"{x} <= {self._constant(high)}"
        if high == math.inf and low != -math.inf:
            return f"{self._constant(low)} <= {x}"
        return f"{self._constant(low)} <= {x} <= {self._constant(high)}"


Fail = Callable[[str], list[str]]  # the lines that hand a report's errors (an expression) up
_BUDGET = 150  # members of children written inline into one function
_HOT_LIMIT = 3000  # members written inline per flush (beyond, children's plain functions are called)
_DEPTH = 12  # containers nested inline (Python allows 20 nested loops, 100 indents)


def _within(sizes: range, x: str) -> str:
    """``len(x) in sizes`` as integer comparisons, "" where every size is in (``sizes``: a step-1 range of
    our ints; ``x``: a string, list or dict, so its truth is its being non-empty)."""
    low, high, parts = int(sizes.start), sizes.stop - 1, []
    if low == 1:
        parts.append(x)
    elif low > 1:
        parts.append(f"{low} <= len({x})")
    if high < sys.maxsize - 1:
        parts.append(f"len({x}) <= {int(high)}")
    return " and ".join(parts)


def _indented(lines: list[str]) -> list[str]:
    return [_INDENT + line for line in lines]
