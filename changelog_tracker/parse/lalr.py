"""A lean run loop over lark's LALR tables.

The grammar and its LALR analysis are lark's; the run loop is ours. Lark's loop builds a Token
object per token and goes through several calls per token and per reduction; pages carry hundreds
of thousands of tokens, and this loop (plain strings, one regex match per token, one call per
reduction, tables flattened into lists and dicts) parses them three to four times as fast.

Reductions follow lark's tree-shaping rules: anonymous punctuation is dropped, ``_rule`` helpers
(lark's expansion of ``*``, ``+`` and ``[]``) splice into their parent, a ``?rule`` with one child
is that child, and every other rule calls the transformer's method of its name (or alias) with
the children as arguments.

Lexing is contextual, as lark's ``lexer="contextual"``: in each parser state only the terminals
that state accepts are tried, so a name is a METHOD after ``client.`` and an ARG elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # lark loads when a grammar is compiled: pages the fast path reads whole never need it
    from lark import Lark
    from lark.grammar import Rule

END = "$END"
# Deeper bracket nesting is rejected: botocore's deepest syntax block (all 445 services of
# botocore 1.44.8: bedrock-agent-runtime InvokeFlow's response) nests 23 levels, and everything
# after parsing (encoding, storing, showing, diffing) walks shapes recursively.
MAX_NESTING = 100
# (how many values it pops, the rule's name, the callback; None: keep the one value)
Reduction = tuple[int, str, Callable[[list[Any]], Any] | None]


class SyntaxErrorAt(Exception):
    """Where the text stopped making sense: offset, the terminals that would fit, what was there."""

    def __init__(self, pos: int, expected: list[str], found: str) -> None:
        super().__init__(f"at {pos}: expected one of {expected}, found {found!r}")
        self.pos, self.expected, self.found = pos, expected, found


class TooDeep(SyntaxErrorAt):
    """Brackets nested deeper than MAX_NESTING, at the first bracket too deep."""

    def __init__(self, pos: int, found: str) -> None:
        super().__init__(pos, [], found)


class Driver:
    """Parses text with a compiled lark LALR parser, building values with ``transformer``."""

    def __init__(self, lark: Lark, transformer: object) -> None:
        from lark.parsers.lalr_analysis import Shift

        table = lark.parser.parser.parser.parse_table  # the frontend's LALR parser's tables
        self.start_states, self.end_states = table.start_states, table.end_states
        count = max(table.states) + 1
        self.shifts: list[dict[str, int]] = [{} for _ in range(count)]
        self.reduces: list[dict[str, Reduction]] = [{} for _ in range(count)]
        for state, actions in table.states.items():
            for symbol, (action, arg) in actions.items():
                if action is Shift:
                    self.shifts[state][symbol] = arg
                else:
                    self.reduces[state][symbol] = (len(arg.expansion), arg.origin.name, _reducer(arg, transformer))
        terminals, ignore = _terminals(lark), lark.lexer_conf.ignore
        self.scanners = _scanners(terminals, ignore, table.states, count)
        self.any_token = _scanner(terminals, ignore, terminals)
        self.nesting = _nesting(terminals)

    def parse(self, text: str, start: str) -> Any:
        shifts, reduces, scanners, nesting = self.shifts, self.reduces, self.scanners, self.nesting
        end_state = self.end_states[start]
        states: list[int] = [self.start_states[start]]
        values: list[Any] = []
        pos, size, depth = 0, len(text), 0
        while True:
            state = states[-1]
            match = scanners[state](text, pos)
            if match is not None:
                kind = match.lastgroup
                value = match[kind]
                pos = match.end()
            elif text[pos:].isspace() or pos == size:
                kind = value = END
            else:
                raise self._unlexable(text, pos, state)
            while True:  # reduce until the token shifts
                target = shifts[state].get(kind)
                if target is not None:
                    states.append(target)
                    values.append(value)
                    if kind in nesting:
                        depth += nesting[kind]
                        if depth > MAX_NESTING:
                            raise TooDeep(match.start(kind), value)
                    break
                step = reduces[state].get(kind)
                if step is None:
                    found = "end of block" if kind == END else value
                    at = size if kind == END else match.start(kind)
                    raise _unexpected(text, at, self.expected(state), found)
                count, rule, callback = step
                if callback is None:  # a ?rule of one symbol: same value, new state
                    state = states[-1] = shifts[states[-2]][rule]
                else:
                    if count:
                        children = values[-count:]
                        del states[-count:]
                        del values[-count:]
                    else:
                        children = []
                    state = shifts[states[-1]][rule]
                    states.append(state)
                    values.append(callback(children))
                if kind == END and state == end_state:
                    return values[-1]

    def _unlexable(self, text: str, pos: int, state: int) -> SyntaxErrorAt:
        """Nothing this state accepts comes next: show the token that does (of any terminal), or the text."""
        token = self.any_token(text, pos)
        found = token[token.lastgroup] if token is not None else text[pos : pos + 20].lstrip()
        return _unexpected(text, pos, self.expected(state), found)

    def expected(self, state: int) -> list[str]:
        return sorted(name for name in (*self.shifts[state], *self.reduces[state]) if name.isupper())


def _reducer(rule: Rule, transformer: object) -> Callable[[list[Any]], Any] | None:
    """The one call that turns a rule's children into its value (see the module docstring);
    None where the value is the only child's."""
    kept = [(i, _spliced(s)) for i, s in enumerate(rule.expansion) if not _dropped(s)]
    plain = len(kept) == len(rule.expansion) and not any(splice for _, splice in kept)
    single = rule.options.expand1 and not rule.alias
    if single and plain and len(kept) == 1:
        return None
    name = rule.alias or rule.origin.name
    method = getattr(transformer, name, None)
    if method is None and not name.startswith("_") and not single:
        raise TypeError(f"{type(transformer).__name__} has no method for grammar rule {name!r}")

    def reduce(children: list[Any]) -> Any:
        if not plain:
            shaped: list[Any] = []
            for i, splice in kept:
                if not splice:
                    shaped.append(children[i])
                elif shaped:
                    shaped += children[i]
                else:  # a left-recursive helper's list is grown in place, never copied
                    shaped = children[i]
            children = shaped
        if single and len(children) == 1:
            return children[0]
        return children if method is None else method(*children)

    return reduce


def _spliced(symbol: Any) -> bool:
    return not symbol.is_term and str(symbol.name).startswith("_")


def _dropped(symbol: Any) -> bool:
    return bool(symbol.is_term and symbol.filter_out)  # anonymous punctuation: "{", ","


def _unexpected(text: str, pos: int, expected: list[str], found: str) -> SyntaxErrorAt:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return SyntaxErrorAt(pos, expected, found)


def _nesting(terminals: list[Any]) -> dict[str, int]:
    """{terminal: how much it deepens the bracket nesting}, for the literals that open or close."""
    nets = {}
    for terminal in terminals:
        if terminal.pattern.type == "str":
            text = terminal.pattern.value
            net = sum(text.count(c) for c in "([{") - sum(text.count(c) for c in ")]}")
            if net:
                nets[terminal.name] = net
    return nets


def _scanners(
    terminals: list[Any], ignore: Any, states: dict[int, dict[str, Any]], count: int
) -> list[Callable[..., Any]]:
    """Per state, one regex of the terminals it accepts (after any ignored text)."""
    cache: dict[frozenset[str], Callable[..., Any]] = {}
    scanners: list[Callable[..., Any]] = [_no_match] * count
    for state, actions in states.items():
        accepted = frozenset(name for name in actions if name.isupper() and name != END)
        if accepted and accepted not in cache:
            candidates = [t for t in terminals if t.name in accepted]
            _check_no_keywords(candidates)
            cache[accepted] = _scanner(terminals, ignore, candidates)
        scanners[state] = cache.get(accepted, _no_match)
    return scanners


def _terminals(lark: Lark) -> list[Any]:
    """The grammar's terminals in the order lark tries them: priority, longest possible match, longest pattern."""
    return sorted(
        lark.lexer_conf.terminals, key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name)
    )


def _scanner(terminals: list[Any], ignore: Any, candidates: list[Any]) -> Callable[..., Any]:
    """``match(text, pos)`` for one of ``candidates`` after any ignored text; the group names the terminal."""
    skip = "|".join(t.pattern.to_regexp() for t in terminals if t.name in ignore)
    groups = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in candidates if t.name not in ignore)
    # Possessive: ignored text is skipped once, never backtracked into (``(?:\s+)*`` is exponential).
    return re.compile(f"(?:{skip})*+(?:{groups})" if skip else f"(?:{groups})").match


def _check_no_keywords(terminals: list[Any]) -> None:
    """Lark retypes a literal that a pattern also matches (a keyword among names); this loop does
    not, so a grammar must not need it where both may come."""
    from lark import GrammarError

    for literal in (t for t in terminals if t.pattern.type == "str"):
        for pattern in (t for t in terminals if t.pattern.type == "re"):
            if re.fullmatch(pattern.pattern.to_regexp(), literal.pattern.value):
                raise GrammarError(f"{literal.name} {literal.pattern.value!r} is also a {pattern.name}")


def _no_match(_text: str, _pos: int) -> None:
    return None
