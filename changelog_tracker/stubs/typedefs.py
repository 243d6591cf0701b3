"""From operations to what the stub files declare: names, TypedDict fields, Literal aliases, methods.

All naming and typing decisions live here; templates only lay the result out. A TypedDict is one
``Ref``: an interned shape on one side (request and response types differ: ``Sequence`` vs
``list``, required vs not) plus, for a shape whose recursion markers point above it, what they
point to. Names: each method's request and response first, then Literal aliases, request
TypedDicts and response TypedDicts, the most used first, each taking the first free of its
candidates (``ProtocolConfiguration``, then ``ProtocolConfigurationOutput`` for a response, then
prefixed with its parent's and its operation's name, then numbered).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..model import Operation, Scalar, Structure
from .names import NameAllocator, is_method_name, pascal, singular
from .shapes import Interner, Node
from .spec import (
    DOCUMENT,
    DOCUMENT_INPUT,
    JSON_ALIASES,
    METADATA,
    METADATA_SPEC,
    Alias,
    FieldSpec,
    LiteralSpec,
    MethodSpec,
    StubSpec,
    TypedDictSpec,
)

REQUEST, RESPONSE, OUTPUT = "request", "response", "output"  # OUTPUT: a method's whole response
EMPTY = "Empty"  # the one TypedDict with no keys, whatever side or method it serves


@dataclass(frozen=True, slots=True)
class Ref:
    side: str
    node: int
    env: tuple[Ref, ...] = ()  # what the levels in the node's ``free`` are, in the same order


@dataclass(slots=True)
class _Seen:
    order: int
    stems: list[str]
    uses: int = 0


@dataclass(slots=True)
class _Root:
    op: Operation
    stem: str
    request: Ref | None = None
    output: Ref | None = None


@dataclass
class _Builder:
    interner: Interner = field(default_factory=Interner)
    names: NameAllocator = field(default_factory=NameAllocator)
    seen: dict[Ref, _Seen] = field(default_factory=dict)
    literals: dict[int, _Seen] = field(default_factory=dict)
    named: dict[Ref, str] = field(default_factory=dict)
    literal_names: dict[int, str] = field(default_factory=dict)
    aliases: list[Alias] = field(default_factory=list)
    uses: set[str] = field(default_factory=set)  # special names the annotations need (imports, aliases)

    # -- walking ----------------------------------------------------------------------
    def child(self, parent: Ref, node: int) -> Ref:
        """The child's ``env`` is picked from its parent's: level 1 is the parent itself."""
        pfree, child = self.node(parent.node).free, self.node(node)
        env = tuple(parent if h == 1 else parent.env[pfree.index(h - 1)] for h in child.free)
        side = RESPONSE if parent.side == OUTPUT else parent.side
        return Ref(REQUEST if _is_empty(child) else side, node, env)

    def node(self, node: int) -> Node:
        return self.interner.nodes[node]

    def enum(self, node: int) -> tuple[str, ...]:
        scalar = self.node(node).scalar
        return () if scalar is None else scalar.enum

    def visit(self, ref: Ref, base: str, parent: str, op: str) -> None:
        """Count a use; on a first visit, note its name candidates and walk on."""
        node = self.node(ref.node)
        if node.kind == "scalar" and node.scalar is not None and node.scalar.enum:
            seen = self.literals.setdefault(ref.node, _Seen(len(self.literals), _stems(base, parent, op)))
            seen.uses += 1
            return
        if node.kind in ("scalar", "recursive"):
            return
        known = ref in self.seen
        stems = [EMPTY] if _is_empty(node) else _stems(base, parent, op, ref.side == RESPONSE)
        seen = self.seen.setdefault(ref, _Seen(len(self.seen), stems))
        seen.uses += 1
        if known:
            return
        if node.kind == "struct":
            for f in node.fields:
                self.visit(self.child(ref, f.node), pascal(f.name), base, op)
        else:
            element = singular(base) if node.kind == "list" else base + "Value"
            self.visit(self.child(ref, node.child), element, parent, op)

    # -- naming -------------------------------------------------------------------------
    def allocate(self) -> None:
        for node, lit in sorted(self.literals.items(), key=lambda item: _priority(item[1])):
            self.literal_names[node] = self.names.allocate(lit.stems, "Type")
        for side in (REQUEST, RESPONSE):
            refs = [r for r in self.seen if r.side == side and self.is_typeddict(r) and r not in self.named]
            for ref in sorted(refs, key=lambda r: _priority(self.seen[r])):
                self.named[ref] = self.names.allocate(self.seen[ref].stems, "TypeDef")

    def is_typeddict(self, ref: Ref) -> bool:
        node = self.node(ref.node)
        return node.kind == "struct" and not (node.event_stream and ref.side == REQUEST)

    # -- types --------------------------------------------------------------------------
    def annotation(self, ref: Ref) -> tuple[str, str]:
        """The type of a member, and a comment where the type is a fallback."""
        node, request = self.node(ref.node), ref.side == REQUEST
        if node.kind == "struct":
            if node.event_stream and request:
                return self.use("Any"), "an input event stream: its events are not documented"
            name = self.named[ref]
            return (f"{self.use('EventStream')}[{name}]", "") if node.event_stream else (name, "")
        if node.kind in ("list", "map"):
            inner, comment = self.annotation(self.child(ref, node.child))
            if node.kind == "list":
                return (f"{self.use('Sequence')}[{inner}]" if request else f"list[{inner}]"), comment
            return (f"{self.use('Mapping')}[str, {inner}]" if request else f"dict[str, {inner}]"), comment
        if node.kind == "recursive":
            if node.up:
                return self.annotation(ref.env[0])
            return self.use("Any"), "recursive: the page does not say which enclosing shape repeats"
        assert node.scalar is not None
        return self.scalar(node.scalar, ref.node, request), ""

    def scalar(self, scalar: Scalar, node: int, request: bool) -> str:
        if scalar.enum:
            return self.literal_names[node]
        if scalar.type == "blob" and scalar.streaming:
            return f"bytes | {self.use('IO')}[bytes]" if request else self.use("StreamingBody")
        if scalar.type == "document":
            return self.use(DOCUMENT_INPUT if request else DOCUMENT)
        if scalar.type == "undocumented":
            return self.undocumented(request)
        simple = {"string": "str", "integer": "int", "float": "float", "boolean": "bool", "blob": "bytes"}
        if scalar.type == "timestamp":
            return self.use("datetime")
        return simple.get(scalar.type) or self.use("Any")

    def undocumented(self, request: bool) -> str:
        return f"{self.use('Mapping')}[str, {self.use('Any')}]" if request else f"dict[str, {self.use('Any')}]"

    def use(self, name: str) -> str:
        self.uses.add(name)
        return name

    def typeddict(self, ref: Ref) -> TypedDictSpec:
        node, request = self.node(ref.node), ref.side == REQUEST
        fields = []
        for f in node.fields:
            annotation, comment = self.annotation(self.child(ref, f.node))
            # A response member is never Required: no page says which are always there. A request
            # member whose page cut the parameter list (required None) is not Required either.
            fields.append(FieldSpec(f.name, annotation, request and f.required is True, comment))
        if ref.side == OUTPUT and not any(f.name == "ResponseMetadata" for f in node.fields):
            fields.append(FieldSpec("ResponseMetadata", self.use(METADATA), False, ""))
        return TypedDictSpec(self.named[ref], tuple(fields))


def _is_empty(node: Node) -> bool:
    return node.kind == "struct" and not node.fields and not node.event_stream


def _stems(base: str, parent: str, op: str, response: bool = False) -> list[str]:
    stems = [base, base + "Output"] if response else [base]
    return list(dict.fromkeys([*stems, parent + base, op + base]))


def _priority(seen: _Seen) -> tuple[int, int]:
    return -seen.uses, seen.order


def build_spec(operations: list[Operation]) -> StubSpec:
    """Everything the stub files of these operations declare."""
    builder, roots = _Builder(), _roots(operations)
    for name in (METADATA, DOCUMENT, DOCUMENT_INPUT):
        builder.names.reserve(name)
    for root in roots:
        _name_root(builder, root)
    for root in roots:
        for ref in (root.request, root.output):
            if ref is not None:
                builder.visit(ref, root.stem, root.stem, root.stem)
    builder.allocate()
    typeddicts = [builder.typeddict(ref) for ref in builder.named if builder.is_typeddict(ref)]
    methods = [_method(builder, root) for root in roots]
    literals = [LiteralSpec(name, builder.enum(node)) for node, name in builder.literal_names.items()]
    if METADATA in builder.uses:
        typeddicts.append(METADATA_SPEC)
    aliases = builder.aliases + [a for a in JSON_ALIASES if a.name in builder.uses]
    if DOCUMENT_INPUT in builder.uses:
        builder.uses |= {"Mapping", "Sequence"}
    return StubSpec(
        sorted(literals, key=lambda s: s.name),
        sorted(typeddicts, key=lambda s: s.name),
        sorted(aliases, key=lambda s: s.name),
        methods,
        frozenset(builder.uses),
    )


def _roots(operations: list[Operation]) -> list[_Root]:
    """One per method name (the first given wins), sorted, with a unique PascalCase stem."""
    stems, roots = NameAllocator(), []
    by_name = {op.name: op for op in reversed(operations)}
    for name in sorted(by_name):
        roots.append(_Root(by_name[name], stems.numbered(pascal(name, "Operation"))))
    return roots


def _name_root(builder: _Builder, root: _Root) -> None:
    """Reserve ``<Method>RequestTypeDef``/``ResponseTypeDef``; a side seen before becomes an alias."""
    op = root.op
    for side, shape, suffix in ((REQUEST, op.input, "RequestTypeDef"), (OUTPUT, op.output, "ResponseTypeDef")):
        if shape is None:
            continue
        name = root.stem + suffix
        builder.names.reserve(name)
        if not isinstance(shape, Structure):  # undocumented: the page cut this side
            builder.aliases.append(Alias(name, f"dict[str, {builder.use('Any')}]", "the page cut this side"))
            continue
        shape = replace(shape, event_stream=False)  # a method's whole request or response is a dict
        ref = Ref(side, builder.interner.add(shape))
        if side == REQUEST and not shape.members:
            builder.named.setdefault(ref, EMPTY + "TypeDef")
            builder.names.reserve(EMPTY + "TypeDef")
        if ref in builder.named:
            builder.aliases.append(Alias(name, builder.named[ref], ""))
        else:
            builder.named[ref] = name
        root.request, root.output = (ref, root.output) if side == REQUEST else (root.request, ref)


def _method(builder: _Builder, root: _Root) -> MethodSpec:
    op, stem = root.op, root.stem
    response = None if op.output is None else stem + "ResponseTypeDef"
    if not is_method_name(op.name):
        return MethodSpec(op.name, stem + "RequestTypeDef", response, "skipped")
    if not isinstance(op.input, Structure):
        return MethodSpec(op.name, stem + "RequestTypeDef", response, "any")
    return MethodSpec(op.name, stem + "RequestTypeDef", response, "unpack" if op.input.members else "none")
