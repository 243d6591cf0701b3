"""Random shapes rendered to syntax and parsed back are identical (sqlglot-style identity)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from changelog_tracker.model import ListShape, MapShape, Member, Operation, Scalar, Shape, Structure
from changelog_tracker.parse.syntax import parse_request, parse_response
from changelog_tracker.render.syntax import render_request, render_response

# Names and enum values as AWS writes them. The page format itself cannot carry a quote or a
# newline inside one, a one-member structure named 'string' (read as a map), or a one-value
# enum whose value is 'string' (read as a plain string): those are excluded, not hidden.
names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.:\-]{0,12}", fullmatch=True).filter(
    lambda n: n not in {"string", "SDK_UNKNOWN_MEMBER"}
)
enum_values = st.from_regex(r"[A-Za-z0-9_.:/ \-]{1,10}", fullmatch=True).filter(lambda v: v != "string")
scalars = st.one_of(
    st.sampled_from(
        [Scalar(k) for k in ("string", "integer", "float", "boolean", "timestamp", "blob", "document", "recursive")]
    ),
    st.lists(enum_values, min_size=1, max_size=5, unique=True).map(lambda vs: Scalar("string", tuple(vs))),
)


# Top-level parameters are keyword arguments of the client method: Python identifiers.
arg_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)


def _structures(
    children: st.SearchStrategy[Shape], keys: st.SearchStrategy[str] = names
) -> st.SearchStrategy[Structure]:
    members = st.lists(st.tuples(keys, children), max_size=5, unique_by=lambda p: p[0])
    return members.map(lambda ms: Structure(tuple(Member(n, s) for n, s in ms)))


shapes: st.SearchStrategy[Shape] = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.builds(ListShape, children),
        st.builds(MapShape, st.just(Scalar("string")), children),
        _structures(children),
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_structures(shapes, arg_names), st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True))
def test_request_roundtrip(structure: Structure, method: str) -> None:
    name, parsed = parse_request(render_request(Operation(method, structure)))
    assert (name, parsed) == (method, structure)


@settings(max_examples=300, deadline=None)
@given(shapes)
def test_response_roundtrip(shape: Shape) -> None:
    if isinstance(shape, Structure) and len(shape.members) == 1 and shape.members[0].name == "string":
        return
    assert parse_response(render_response(shape)) == shape


def test_special_forms_roundtrip() -> None:
    stream = Structure(
        (
            Member(
                "events",
                Structure((Member("chunk", Structure((Member("bytes", Scalar("blob")),))),), event_stream=True),
            ),
            Member("body", Scalar("blob", streaming=True)),
        )
    )
    assert parse_response(render_response(stream)) == stream
    request = Structure(
        (Member("input", Structure((), event_stream=True)), Member("data", Scalar("blob", streaming=True)))
    )
    assert parse_request(render_request(Operation("invoke", request)))[1] == request
