"""Generate AWS API change-feed text pages ("doc drops") from botocore models: the test oracle.

A method's text is what the feed shows: botocore's own documenter output for a client method
(``ClientMethodDocstring`` with a bare event emitter, exactly as awslabs/aws-sdk-api-changes
calls it), parsed with docutils (as the feed does) and flattened:

* every paragraph, list item, field body and term becomes one line; blank lines are dropped;
* inline markup is dropped; a link or a role shows its display text
  (``:class:`.StreamingBody``` -> ``StreamingBody``, ``:ref:`document<document>``` -> ``document``);
* field names are dropped (``:type name: string`` -> ``string``, ``:rtype: dict`` -> ``dict``);
* tagged-union ``.. note::`` directives are dropped with the code block inside them; other notes
  keep their text, without a "Note" label;
* a literal (code) block is a "preformatted block": its lines are stripped and blank ones dropped;
  the ``oneline`` layout (pages up to 2025) joins them with one space, the ``multiline`` layout
  (2026 pages) keeps one per line. Delta summaries are preformatted blocks too.

A page is a header line, an optional ``Changes <note>`` line, then the new methods and the
updated methods (each one's delta summary first), each group in the model's operation order.
Pages carry no trailing newline, like the seeds.
"""

from __future__ import annotations

import pprint
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Literal, cast

import docutils.core
from botocore import xform_name
from botocore.docs.bcdoc.restdoc import LARGE_SECTION_MESSAGE
from botocore.docs.docstring import ClientMethodDocstring
from botocore.hooks import HierarchicalEmitter
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StringShape, StructureShape
from docutils import nodes

from changelog_tracker.differ.summaries import feed_request

Layout = Literal["oneline", "multiline"]
LAYOUTS: tuple[Layout, ...] = ("oneline", "multiline")
# A line of text, or a preformatted block (syntax block, delta summary) as its stripped lines.
Block = str | tuple[str, ...]
Delta = dict[str, Any]

_DOCUTILS_SETTINGS = {
    "report_level": 5,  # keep docutils quiet: problems stay in the tree, never on stderr
    "halt_level": 5,
    "file_insertion_enabled": False,
    "raw_enabled": False,
    # AWS documentation has lines past docutils' 10,000-character guard, which would drop the
    # whole method; every botocore docstring is trusted input of bounded size.
    "line_length_limit": 10_000_000,
}
_TAGGED_UNION_NOTE = "This is a Tagged Union structure."
# A role docutils does not know, e.g. :class:`.EventStream` or :ref:`document<document>`.
_ROLE = re.compile(r":[\w:.+-]+:`([^`<]*?)\s*(?:<[^`>]*>)?`")
_KINDS = ("structure", "list", "map", "string")
# botocore's stand-in for a cut section, up to its first comment line.
_LARGE_HEAD, _LARGE_TAIL = LARGE_SECTION_MESSAGE.split("{}", 1)
_LARGE_SECTION = re.compile(
    re.escape(_LARGE_HEAD) + r"[^\n*]+" + re.escape(_LARGE_TAIL[: _LARGE_TAIL.index("render.") + len("render.")])
)


# ---------------------------------------------------------------- method text


def method_rst(operation: OperationModel) -> str:
    """Return botocore's reStructuredText for a client method, as the feed generates it."""
    doc = ClientMethodDocstring(
        operation_model=operation,
        method_name=operation.name,
        event_emitter=HierarchicalEmitter(),
        method_description=operation.documentation,
        example_prefix=f"client.{xform_name(operation.name)}",
        include_signature=False,
    )
    return str(doc)


def rst_blocks(rst: str) -> list[Block]:
    """Flatten botocore reStructuredText into lines and preformatted blocks."""
    rst = _LARGE_SECTION.sub(_close_before, rst)
    tree = docutils.core.publish_doctree(rst, settings_overrides=_DOCUTILS_SETTINGS)
    blocks: list[Block] = []
    _collect(tree, blocks)
    return blocks


def method_blocks(operation: OperationModel) -> list[Block]:
    """Return a method's flattened text (documentation through Response Structure)."""
    return rst_blocks(method_rst(operation))


def method_text(operation: OperationModel, layout: Layout) -> str:
    """Return a method's flattened text in a page layout."""
    return render_blocks(method_blocks(operation), layout)


def render_blocks(blocks: Iterable[Block], layout: Layout) -> str:
    """Join blocks into page text; preformatted blocks follow the layout. No final newline."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            lines.append(block)
        elif layout == "oneline":
            lines.append(" ".join(block))
        else:
            lines.extend(block)
    return "\n".join(lines)


def _close_before(match: re.Match[str]) -> str:
    # botocore indents its "too large" message by 4 spaces wherever it lands, so docutils
    # would read it as part of a preceding syntax block; an empty comment ends that block
    # and the message flattens to its own lines.
    return "\n\n..\n" + match.group(0)


def _collect(node: nodes.Element, blocks: list[Block]) -> None:
    for child in node.children:
        if _skipped(child):
            continue
        if isinstance(child, (nodes.literal_block, nodes.doctest_block)):
            block = tuple(line.strip() for line in child.astext().splitlines() if line.strip())
            if block:
                blocks.append(block)
        elif isinstance(child, nodes.TextElement):
            text = _inline_text(child)
            blocks.extend(line.strip() for line in text.splitlines() if line.strip())
        elif isinstance(child, nodes.Element):
            _collect(child, blocks)


def _skipped(node: nodes.Node) -> bool:
    if isinstance(
        node, (nodes.field_name, nodes.system_message, nodes.target, nodes.comment, nodes.substitution_definition)
    ):
        return True
    return isinstance(node, nodes.note) and node.astext().startswith(_TAGGED_UNION_NOTE)


def _inline_text(node: nodes.Node) -> str:
    """The display text of inline content; a role docutils left unparsed shows its title."""
    if isinstance(node, nodes.Text):
        return str(node.astext())
    if isinstance(node, nodes.problematic):
        return _ROLE.sub(_role_title, node.astext())
    if isinstance(node, nodes.system_message):
        return ""
    return "".join(_inline_text(child) for child in node.children)


def _role_title(match: re.Match[str]) -> str:
    # Sphinx shows ".EventStream" as "EventStream" and "~a.b.C" as "C".
    title = match.group(1)
    if title.startswith("~"):
        return title[1:].rsplit(".", 1)[-1]
    return title.lstrip(".")


# ---------------------------------------------------------------- deltas


def method_deltas(old: ServiceModel, new: ServiceModel) -> dict[str, Delta]:
    """Return ``{operation: delta}`` for the operations of ``new`` whose shapes gained things.

    A delta is ``{'request': d}``, ``{'response': d}``, both keys, or ``{'both': d}`` when the
    two are equal; ``d`` is :func:`shape_delta` of the input or output shape with the same
    shape name in ``old``. Operations absent from ``old`` are new methods, never listed here.
    """
    old_shapes = set(old.shape_names)
    old_ops = set(old.operation_names)
    cache: dict[str, Any] = {}

    def delta_of(shape: Shape | None) -> Any:
        if shape is None or shape.name not in old_shapes:
            return None
        if shape.name not in cache:
            cache[shape.name] = shape_delta(new.shape_for(shape.name), old.shape_for(shape.name))
        return cache[shape.name]

    deltas = {}
    for name in new.operation_names:
        if name not in old_ops:
            continue
        operation = new.operation_model(name)
        request = delta_of(operation.input_shape)
        delta = _op_delta(feed_request(new.service_name, request), delta_of(operation.output_shape))
        if delta:
            deltas[name] = delta
    return deltas


def _op_delta(request: Any, response: Any) -> Delta:
    if request and response and request == response:
        return {"both": request}
    delta: Delta = {}
    if request:
        delta["request"] = request
    if response:
        delta["response"] = response
    return delta


def shape_delta(new: Shape, old: Shape, _stack: tuple[str, ...] = ()) -> Any:
    """What ``new`` adds to ``old``, in the feed's notation (only additions are shown).

    Structure: ``{member: ...}`` with added members as :func:`feed_type` and changed ones
    recursed (kept when truthy); list: its member's delta; map: its value's delta; string: the
    set of added enum values; other scalars: ``[]``; a shape of another kind: ``feed_type(new)``;
    a shape already on the recursion path: ``()``.
    """
    key = _shape_key(new)
    if key in _stack:
        return ()
    stack = (*_stack, key)
    kind = _kind(new)
    if kind != _kind(old):
        return feed_type(new)
    # The casts name the subclass botocore builds for each kind (``ShapeResolver.SHAPE_CLASSES``).
    if kind == "structure":
        return _structure_delta(cast(StructureShape, new), cast(StructureShape, old), stack)
    if kind == "list":
        return shape_delta(cast(ListShape, new).member, cast(ListShape, old).member, stack)
    if kind == "map":
        return shape_delta(cast(MapShape, new).value, cast(MapShape, old).value, stack)
    if kind == "string":
        return set(cast(StringShape, new).enum) - set(cast(StringShape, old).enum)
    return []


def _structure_delta(new: StructureShape, old: StructureShape, stack: tuple[str, ...]) -> dict[str, Any]:
    delta = {}
    for name, member in new.members.items():
        if name not in old.members:
            delta[name] = feed_type(member)
            continue
        change = shape_delta(member, old.members[name], stack)
        if change:
            delta[name] = change
    return delta


def feed_type(shape: Shape, _stack: tuple[str, ...] = ()) -> Any:
    """A shape's type in the feed's notation: ``{member: ...}``, ``[x]``, ``{key: value}``,
    ``'A | B'`` (enum), ``'string'``, the botocore type name, or ``()`` on a recursion."""
    key = _shape_key(shape)
    if key in _stack:
        return ()
    stack = (*_stack, key)
    kind = _kind(shape)
    if kind == "structure":
        return {name: feed_type(member, stack) for name, member in cast(StructureShape, shape).members.items()}
    if kind == "list":
        return [feed_type(cast(ListShape, shape).member, stack)]
    if kind == "map":
        mapping = cast(MapShape, shape)
        return {feed_type(mapping.key, stack): feed_type(mapping.value, stack)}
    if kind == "string":
        enum = cast(StringShape, shape).enum
        return " | ".join(enum) if enum else "string"
    return shape.type_name


def _kind(shape: Shape) -> str:
    # The feed dispatches on botocore's shape classes: these four, and Shape for the rest.
    return shape.type_name if shape.type_name in _KINDS else "scalar"


def _shape_key(shape: Shape) -> str:
    return f"{_kind(shape)}:{shape.name}"


class _SortedSetPrinter(pprint.PrettyPrinter):
    """pprint, but a set that fits on a line is sorted too (plain repr follows hash order)."""

    def format(self, object: object, context: dict[int, int], maxlevels: int, level: int) -> tuple[str, bool, bool]:
        if isinstance(object, (set, frozenset)) and object:
            items = ", ".join(repr(item) for item in sorted(object))
            return "{" + items + "}", True, False
        return super().format(object, context, maxlevels, level)


def _delta_blocks(delta: Mapping[str, Any]) -> list[Block]:
    """A method's delta summary: one pprint block, or ``Request``/``Response`` labelled blocks
    when both sides changed differently (as the feed's HTML pages show them)."""
    if len(delta) == 1:
        return [_pformat_block(next(iter(delta.values())))]
    return ["Request", _pformat_block(delta["request"]), "Response", _pformat_block(delta["response"])]


def format_delta(delta: Mapping[str, Any], layout: Layout) -> str:
    """The delta summary text of an updated method in a page layout."""
    return render_blocks(_delta_blocks(delta), layout)


def _pformat_block(value: Any) -> tuple[str, ...]:
    text = _SortedSetPrinter(width=80).pformat(value)
    return tuple(line.strip() for line in text.splitlines())


# ---------------------------------------------------------------- pages


def page_blocks(
    service: ServiceModel,
    day: date,
    new_ops: Sequence[str],
    updated: Mapping[str, Mapping[str, Any]],
    release_note: str | None = None,
) -> list[Block]:
    """A page as blocks: header, ``Changes`` line (the note's whitespace runs collapsed, so it
    stays one line), new methods, then updated ones, each group in the model's order."""
    blocks: list[Block] = [_header(service, day, len(new_ops), len(updated))]
    if release_note:
        blocks.append("Changes " + " ".join(release_note.split()))
    for name in _in_model_order(service, new_ops):
        blocks.extend(method_blocks(service.operation_model(name)))
    for name in _in_model_order(service, updated):
        blocks.extend(_delta_blocks(updated[name]))
        blocks.extend(method_blocks(service.operation_model(name)))
    return blocks


def render_page(
    service: ServiceModel,
    day: date,
    new_ops: Sequence[str],
    updated: Mapping[str, Mapping[str, Any]],
    release_note: str | None,
    layout: Layout,
) -> str:
    """Render a page of new and updated methods (``updated`` maps names to deltas)."""
    return render_blocks(page_blocks(service, day, new_ops, updated, release_note), layout)


def page_between(
    old_model: Mapping[str, Any] | None,
    new_model: Mapping[str, Any],
    day: date,
    release_note: str | None = None,
    layout: Layout = "multiline",
    service_name: str | None = None,
) -> str | None:
    """The page for the changes from ``old_model`` to ``new_model`` (botocore JSON dicts).

    With no old model every operation is new. Returns None when no method changed.
    """
    new = ServiceModel(new_model, service_name=service_name)
    old = ServiceModel(old_model, service_name=service_name) if old_model else None
    old_ops = set(old.operation_names) if old else set()
    new_ops = [name for name in new.operation_names if name not in old_ops]
    updated = method_deltas(old, new) if old else {}
    if not new_ops and not updated:
        return None
    return render_page(new, day, new_ops, updated, release_note, layout)


def full_service_blocks(model: Mapping[str, Any], day: date, service_name: str | None = None) -> list[Block]:
    """Blocks of a page listing every operation of a model as a new method."""
    service = ServiceModel(model, service_name=service_name)
    return page_blocks(service, day, service.operation_names, {})


def full_service_page(
    model: Mapping[str, Any], day: date, layout: Layout = "multiline", service_name: str | None = None
) -> str:
    """A page listing every operation of a model as a new method."""
    return render_blocks(full_service_blocks(model, day, service_name), layout)


def _header(service: ServiceModel, day: date, count_new: int, count_updated: int) -> str:
    """As the feed's template writes it (awslabs/aws-sdk-api-changes, templates/macros.j2):
    ``2026/03/10 - Name - 3 new 1 updated api methods``, each count only when not zero."""
    title = service.metadata.get("serviceFullName", service.service_name)
    counts = (f"{count_new} new " if count_new else "") + (f"{count_updated} updated " if count_updated else "")
    return f"{day.strftime('%Y/%m/%d')} - {title} - {counts}api methods"


def _in_model_order(service: ServiceModel, names: Iterable[str]) -> list[str]:
    wanted = set(names)
    unknown = wanted.difference(service.operation_names)
    if unknown:
        raise KeyError(f"not operations of {service.service_name}: {sorted(unknown)}")
    return [name for name in service.operation_names if name in wanted]
