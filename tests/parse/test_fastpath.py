"""The fast path (parse/fastpath.py) and the grammar agree: on every block the fast path reads,
its shapes are the grammar's; a block the grammar refuses, the fast path refuses too (and the
grammar then says where it is wrong)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from changelog_tracker.parse import syntax
from changelog_tracker.parse.fastpath import fast_request, fast_response
from changelog_tracker.parse.lalr import MAX_NESTING, SyntaxErrorAt

# Whitespace the grammar ignores, and some it does not.
gaps = st.sampled_from(["", " ", "\n", "\n    ", "\t", "\r\n", "\f"])
odd_gaps = st.sampled_from(["\x0b", "\u00a0", "\x85"])
# Quoted text as AWS writes it, and characters that mean something outside quotes or to JSON.
quoted_text = st.one_of(
    st.from_regex(r"[A-Za-z0-9_.:/ \-]{0,8}", fullmatch=True),
    st.sampled_from(["string", "SDK_UNKNOWN_MEMBER", '"', "\\", "a|b", "x]", ",]", "k:", "\x01", "\x02INTEGER", "..."]),
)
LITERALS = [
    "123",
    "123.0",
    "...",
    "True|False",
    "datetime(2015, 1, 1)",
    "datetime(2015,1,  1)",
    "b'bytes'",
    "b'bytes'|file",
    "StreamingBody()",
    "{...}|[...]|123|123.4|'string'|True|None",
    "{'... recursive ...'}",
    "{...}",
]
# Pieces a mutation inserts: the grammar's punctuation and tokens, and what JSON would read.
pieces = st.sampled_from(
    [
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        ",",
        ":",
        "=",
        "|",
        "'",
        '"',
        "0",
        "null",
        "true",
        "x=",
        "'k':",
        "EventStream(",
        "]]",
    ]
)


def _join(parts: list[str], gap: str) -> str:
    return gap.join(parts)


def values(depth: int = 3) -> st.SearchStrategy[str]:
    quoted = quoted_text.map(lambda t: f"'{t}'")
    enum = st.lists(quoted, min_size=2, max_size=4).flatmap(lambda qs: gaps.map(lambda g: f"{g}|{g}".join(qs)))
    leaf = st.one_of(st.sampled_from(LITERALS), quoted, enum)
    if depth == 0:
        return leaf
    inner = values(depth - 1)
    pair = st.tuples(quoted, gaps, inner).map(lambda p: f"{p[0]}{p[1]}: {p[2]}")
    dict_ = st.tuples(st.lists(pair, max_size=4), gaps).map(lambda d: "{" + d[1] + ("," + d[1]).join(d[0]) + d[1] + "}")
    list_ = st.tuples(inner, gaps).map(lambda v: f"[{v[1]}{v[0]},{v[1]}]")
    stream = dict_.map(lambda d: f"EventStream({d})")
    return st.one_of(leaf, dict_, list_, stream)


args = st.lists(
    st.tuples(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True), gaps, values(2)).map(
        lambda a: f"{a[0]}{a[1]}={a[2]}"
    ),
    max_size=4,
)


@st.composite
def blocks(draw: st.DrawFn) -> tuple[str, str]:
    gap = draw(gaps)
    if draw(st.booleans()):
        start, text = (
            "request",
            f"client.{draw(st.sampled_from(['f', 'get_thing']))}({gap}{(',' + gap).join(draw(args))}{gap})",
        )
    else:
        start, text = "response", draw(values())
    for _ in range(draw(st.integers(0, 2))):  # mutations: the grammar usually refuses these
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "gap"]))
        if kind == "insert":
            text = text[:at] + draw(pieces) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 3)) :]
        else:
            text = text[:at] + draw(odd_gaps) + text[at:]
    return start, text


def _grammar(text: str, start: str) -> Any:
    try:
        return syntax._parser().parse(text, start)
    except SyntaxErrorAt:
        return SyntaxErrorAt


@settings(max_examples=500, deadline=None)
@given(blocks())
def test_the_fast_path_reads_only_what_the_grammar_reads_the_same(block: tuple[str, str]) -> None:
    start, text = block
    fast = fast_request(text) if start == "request" else fast_response(text)
    if fast is not None:
        assert fast == _grammar(text, start)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        args.map(lambda a: ("request", "client.f(\n" + ",\n".join(a) + "\n)")), values().map(lambda v: ("response", v))
    )
)
def test_the_fast_path_reads_plain_blocks(block: tuple[str, str]) -> None:
    """Blocks without quotes or backslashes inside names, with the grammar's whitespace: all read fast."""
    start, text = block
    expected = _grammar(text, start)
    if expected is SyntaxErrorAt or any(c in text for c in '"\\\x01\x02'):
        return
    assert (fast_request(text) if start == "request" else fast_response(text)) == expected


def test_nesting_too_deep_is_left_to_the_grammar() -> None:
    deep = "[" * MAX_NESTING + "'string'" + ",]" * MAX_NESTING
    assert fast_response(deep) is not None
    assert fast_response("[" + deep + ",]") is None
    assert fast_request("client.f(a=" + deep + ")") is None  # the request's '(' counts
    assert fast_response("[" * 5000 + "'string'" + ",]" * 5000) is None  # not a RecursionError


def test_refusals_the_grammar_refuses_too() -> None:
    for start, text in [
        ("response", "{'a': 'x',}"),  # trailing comma in a dict
        ("response", "['x']"),  # a list without its ','
        ("response", "['x', 'y',]"),
        ("response", "{a='x'}"),  # an argument inside a value
        ("response", "{'SDK_UNKNOWN_MEMBER': 'x'}"),
        ("request", "client.f('SDK_UNKNOWN_MEMBER': 'x')"),  # a member name among the arguments
        ("request", "client.f(a={b='x'})"),
        ("request", "client.f(a='x', 'k': 'y')"),
        ("request", "client.f(a=EventStream({b='x'}))"),
        ("request", "client.f(a='x'))"),
        ("response", "EventStream({...})"),  # the body of an event stream is a dict
        ("response", "[0]"),
        ("response", "null"),
    ]:
        fast = fast_request(text) if start == "request" else fast_response(text)
        assert fast is None or fast == _grammar(text, start), text
        if _grammar(text, start) is SyntaxErrorAt:
            assert fast is None, text


# Quoted text holding what the cuts look for: commas, datetime's opening, a list's end.
comma_text = st.sampled_from(["a, b", ",", "datetime(2015,", "datetime(2015, 1,", ", ]", "x',"]).map(lambda t: f"'{t}'")


@settings(max_examples=500, deadline=None)
@given(blocks(), st.lists(st.tuples(st.integers(0, 10_000), comma_text), max_size=2))
def test_a_block_read_in_pieces_is_the_block_read_whole(block: tuple[str, str], inserts: list[tuple[int, str]]) -> None:
    """The comma-cut pieces, each rewritten alone (and cached), join to the whole block's rewrite."""
    from changelog_tracker.parse import fastpath

    text = block[1]
    for at, quoted in inserts:
        at %= len(text) + 1
        text = text[:at] + quoted + text[at:]
    for depth in (0, 1, MAX_NESTING - 2):
        counts = [depth, 0, depth]
        try:
            whole: tuple[str, int] | None = (
                fastpath._TOKEN.sub(fastpath._rewriter(counts, MAX_NESTING), text), counts[1]
            )
        except fastpath._Refused:
            whole = None
        pieces = fastpath._rewrite_pieces(text, depth)
        if pieces is not None:
            assert pieces == whole
