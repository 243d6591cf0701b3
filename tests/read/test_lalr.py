"""The run loop over lark's tables (parse/lalr.py) gives what lark itself gives, and says where it stopped."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lark import GrammarError, Lark, Transformer, v_args

from changelog_tracker.parse.lalr import Driver, SyntaxErrorAt

# Every tree-shaping form the loop handles: anonymous punctuation, ?rules, aliases, the helper
# rules lark makes of [], * and +, an ignored terminal, and a name that is one token with its '='.
GRAMMAR = r"""
start: "(" [item ("," item)*] ")"
?item: pair | atom | group
pair: KEY atom
group: "[" atom+ "]" -> bracket
?atom: NUMBER -> number
     | WORD
     | "-" atom -> negative
KEY: /[a-z]+\s*=/
WORD: /[a-z]+/
NUMBER: /[0-9]+/
%ignore /\s+/
"""


class Values:
    def start(self, *items: Any) -> list[Any]:
        return list(items)

    def pair(self, key: str, value: Any) -> tuple[str, Any]:
        return key.rstrip("= "), value

    def bracket(self, *atoms: Any) -> tuple[Any, ...]:
        return atoms

    def number(self, token: str) -> int:
        return int(token)

    def negative(self, value: Any) -> tuple[str, Any]:
        return ("-", value)


@v_args(inline=True)
class LarkValues(Transformer[Any, Any]):
    """The same values, through lark's own parser: tokens are Token (str) objects there."""

    def start(self, *items: Any) -> list[Any]:
        return [str(i) if isinstance(i, str) else i for i in items]

    def pair(self, key: str, value: Any) -> tuple[str, Any]:
        return str(key).rstrip("= "), str(value) if isinstance(value, str) else value

    def bracket(self, *atoms: Any) -> tuple[Any, ...]:
        return tuple(str(a) if isinstance(a, str) else a for a in atoms)

    def number(self, token: str) -> int:
        return int(token)

    def negative(self, value: Any) -> tuple[str, Any]:
        return ("-", str(value) if isinstance(value, str) else value)


DRIVER = Driver(Lark(GRAMMAR, parser="lalr", maybe_placeholders=False), Values())
LARK = Lark(GRAMMAR, parser="lalr", maybe_placeholders=False, transformer=LarkValues())

words = st.from_regex(r"[a-z]{1,6}", fullmatch=True)
atoms = st.recursive(
    st.one_of(words, st.integers(0, 999).map(str)), lambda inner: inner.map(lambda a: f"- {a}"), max_leaves=3
)
items = st.one_of(
    atoms,
    st.tuples(words, atoms).map(lambda p: f"{p[0]} = {p[1]}"),
    st.lists(atoms, min_size=1, max_size=4).map(lambda a: "[" + " ".join(a) + "]"),
)


@given(st.lists(items, max_size=6), st.sampled_from([" ", "\n", "\n   "]))
def test_same_values_as_lark(parts: list[str], gap: str) -> None:
    text = "(" + gap + ("," + gap).join(parts) + gap + ")"
    assert DRIVER.parse(text, "start") == LARK.parse(text)


def test_errors_say_where_and_what_would_fit() -> None:
    with pytest.raises(SyntaxErrorAt) as caught:
        DRIVER.parse("(a = 1,\n  b = ]", "start")
    assert caught.value.pos == len("(a = 1,\n  b = ")
    assert caught.value.found == "]" and "NUMBER" in caught.value.expected and "WORD" in caught.value.expected
    with pytest.raises(SyntaxErrorAt) as caught:
        DRIVER.parse("(a, b", "start")
    assert caught.value.found == "end of block" and caught.value.pos == len("(a, b")
    with pytest.raises(SyntaxErrorAt) as caught:
        DRIVER.parse("(a, ?)", "start")
    assert caught.value.found == "?)" and caught.value.pos == len("(a, ")


def test_a_rule_without_a_method_is_refused() -> None:
    with pytest.raises(TypeError, match="has no method for grammar rule"):
        Driver(Lark(GRAMMAR, parser="lalr", maybe_placeholders=False), type("Partial", (), {"start": list})())


def test_a_keyword_among_names_is_refused() -> None:
    # Lark retypes "if" lexed as a NAME; the loop would not, so it refuses the grammar.
    grammar = 'start: NAME | "if" NAME\nNAME: /[a-z]+/\n%ignore " "'
    with pytest.raises(GrammarError, match="IF"):
        Driver(Lark(grammar, parser="lalr"), Values())


@pytest.mark.parametrize("start", ["response", "request"])
def test_long_whitespace_before_a_bad_token_fails_fast(start: str) -> None:
    """Ignored text is skipped once: ``(?:\\s+)*`` backtracked exponentially in the run of
    spaces (a 30-space indent before an unexpected token took minutes)."""
    import signal

    from changelog_tracker.errors import ParseError
    from changelog_tracker.parse.syntax import parse_request, parse_response

    def expire(_signum: int, _frame: object) -> None:
        raise TimeoutError("the lexer backtracks")

    text = "{\n" + " " * 40 + "x" if start == "response" else "client.f(\n" + " " * 40 + "x"
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(5)
    try:
        with pytest.raises(ParseError, match="found 'x'"):
            parse_response(text) if start == "response" else parse_request(text)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
