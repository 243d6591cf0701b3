"""From operations to what the stub files declare: names, TypedDict fields, Literal aliases, methods.

All naming and typing decisions live here; templates only lay the result out. A TypedDict is one
``Ref``: an interned shape on one side (request and response types differ: ``Sequence`` vs
``list``, required vs not) plus, for a shape whose recursion markers point above it, what they
point to. Names: each method's request and response first, then Literal aliases, request
TypedDicts and response TypedDicts, the most used first, each taking the first free of its
candidates (``ProtocolConfiguration``, then ``ProtocolConfigurationOutput`` for a response, then
prefixed with its parent's and its operation's name, then numbered). Where the source knows a
shape's botocore name (the SHAPE trait), that name is the candidate, as in mypy-boto3.

Where the source knows the operation's traits (a model), the types follow mypy-boto3-builder's rules:
a response's top-level keys are all required but the pagination ones, nested response keys are
required as the model says, an empty structure is a ``Mapping[str, Any]``, a map whose keys have an
enum takes them as a Literal, and a method without an output returns the response metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

from .. import traits
from ..model import Operation, Scalar, Structure
from ..sources.botocore import decoded_shapes
from .names import NameAllocator, is_method_name, pascal, singular
from .shapes import Interner, Node
from .spec import (
    BLOB,
    DOCUMENT,
    DOCUMENT_INPUT,
    EMPTY_RESPONSE,
    EMPTY_RESPONSE_SPEC,
    JSON_ALIASES,
    METADATA,
    METADATA_SPEC,
    POLICY,
    POLICY_SPECS,
    SPECIAL_ALIASES,
    TIMESTAMP,
    Alias,
    FieldSpec,
    LiteralSpec,
    MethodSpec,
    Naming,
    StubSpec,
    TypedDictSpec,
)

REQUEST, RESPONSE, OUTPUT = "request", "response", "output"  # OUTPUT: a method's whole response
EMPTY = "Empty"  # the one TypedDict with no keys, whatever side or method it serves
# Top-level response keys mypy-boto3-builder leaves NotRequired (its required_attribute_map: the rest are
# always there), for every service and for some.
OPTIONAL_RESPONSE_KEYS = frozenset({"NextToken", "PaginationToken", "nextToken", "Contents", "Item", "CommonPrefixes"})
OPTIONAL_RESPONSE_KEYS_OF = {"dynamodb": frozenset({"LastEvaluatedKey"})}
# botocore's parameter aliases (botocore/handlers.py _add_parameter_aliases): the top-level request
# members boto3 documents and takes under another name, by service and operation ("*": every one).
PARAMETER_ALIASES = {
    "ec2": {"*": {"Filter": "Filters"}},
    "logs": {"CreateExportTask": {"from": "fromTime"}},
    "cloudsearchdomain": {"Search": {"return": "returnFields"}},
}


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


@dataclass
class _Builder:
    naming: Naming = "default"
    service: str = ""
    interner: Interner = field(default_factory=Interner)
    names: NameAllocator = field(default_factory=NameAllocator)
    seen: dict[Ref, _Seen] = field(default_factory=dict)
    literals: dict[int, _Seen] = field(default_factory=dict)
    named: dict[Ref, str] = field(default_factory=dict)
    literal_names: dict[int, str] = field(default_factory=dict)
    aliases: list[Alias] = field(default_factory=list)
    uses: set[str] = field(default_factory=set)  # special names the annotations need (imports, aliases)
    total: set[Ref] = field(default_factory=set)  # whole responses whose top-level keys are required
    _invariant: dict[int, bool] = field(default_factory=dict)
    empty_request: Ref | None = None

    # -- walking ----------------------------------------------------------------------
    def child(self, parent: Ref, node: int) -> Ref:
        """The child's ``env`` is picked from its parent's: level 1 is the parent itself."""
        pfree, child = self.node(parent.node).free, self.node(node)
        env = tuple(parent if h == 1 else parent.env[pfree.index(h - 1)] for h in child.free)
        side = RESPONSE if parent.side == OUTPUT else parent.side
        same = _is_empty(child) or (child.known and self.invariant(node))
        return Ref(REQUEST if same else side, node, env)

    def invariant(self, node: int) -> bool:
        """Is a structure spelled the same on both sides (mypy-boto3 then declares it once)? Only
        scalars that both sides type alike, and such structures, below it."""
        found = self._invariant.get(node)
        if found is None:
            n = self.node(node)
            if n.kind == "struct":
                self._invariant[node] = False  # a structure met again inside itself
                found = not n.event_stream and all(self.invariant(f.node) for f in n.fields)
            else:
                decoded = n.shape in decoded_shapes().get(self.service, ())
                found = n.kind == "scalar" and n.scalar is not None and n.scalar.type in _SAME_ON_BOTH_SIDES
                found = found and not decoded
            self._invariant[node] = found
        return found

    def node(self, node: int) -> Node:
        return self.interner.nodes[node]

    def enum(self, node: int) -> tuple[str, ...]:
        scalar = self.node(node).scalar
        return () if scalar is None else scalar.enum

    def visit(self, ref: Ref, base: str, parent: str, op: str) -> None:
        """Count a use; on a first visit, note its name candidates and walk on."""
        node = self.node(ref.node)
        if node.kind == "scalar" and node.scalar is not None and node.scalar.enum:
            self.literal(ref.node, _stems(base, parent, op, named=node.shape))
            return
        if node.kind in ("scalar", "recursive"):
            return
        if node.kind == "map" and node.key >= 0:
            self.literal(node.key, _stems(base + "Key", parent, op))
        known = ref in self.seen
        stems = [EMPTY] if _is_empty(node) else _stems(base, parent, op, ref.side == RESPONSE, node.shape)
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

    def literal(self, node: int, stems: list[str]) -> None:
        seen = self.literals.setdefault(node, _Seen(len(self.literals), stems))
        seen.uses += 1

    # -- naming -------------------------------------------------------------------------
    def allocate(self) -> None:
        named: dict[tuple[str, ...], int] = {}  # a map key's enum takes the name of a named enum of the same values
        for node in self.literals:
            if self.node(node).shape:
                named.setdefault(tuple(sorted(self.enum(node))), node)
        for node, lit in sorted(
            self.literals.items(), key=lambda item: (bool(self.node(item[0]).shape) is False, _priority(item[1]))
        ):
            same = named.get(tuple(sorted(self.enum(node))))
            if not self.node(node).shape and same is not None and same in self.literal_names:
                self.literal_names[node] = self.literal_names[same]
            else:
                self.literal_names[node] = self.names.allocate(lit.stems, "Type")
        for side in (REQUEST, RESPONSE):
            refs = [r for r in self.seen if r.side == side and self.is_typeddict(r) and r not in self.named]
            for ref in sorted(refs, key=lambda r: _priority(self.seen[r])):
                self.named[ref] = self.names.allocate(self.seen[ref].stems, "TypeDef")

    def is_typeddict(self, ref: Ref) -> bool:
        node = self.node(ref.node)
        open_dict = _is_open(node) and ref not in self.named  # (a method's empty request stays EmptyTypeDef)
        return node.kind == "struct" and not (node.event_stream and ref.side == REQUEST) and not open_dict

    # -- types --------------------------------------------------------------------------
    def annotation(self, ref: Ref) -> tuple[str, str]:
        """The type of a member, and a comment where the type is a fallback."""
        node, request = self.node(ref.node), ref.side == REQUEST
        if node.kind == "struct":
            if node.event_stream and request:
                return self.use("Any"), "an input event stream: its events are not documented"
            if _is_open(node):
                return self.undocumented(request), ""
            name = self.named[ref]
            return (f"{self.use('EventStream')}[{name}]", "") if node.event_stream else (name, "")
        if node.kind in ("list", "map"):
            inner, comment = self.annotation(self.child(ref, node.child))
            if node.kind == "list":
                return (f"{self.use('Sequence')}[{inner}]" if request else f"list[{inner}]"), comment
            key = self.literal_names[node.key] if node.key >= 0 else "str"
            return (f"{self.use('Mapping')}[{key}, {inner}]" if request else f"dict[{key}, {inner}]"), comment
        if node.kind == "recursive":
            if node.up:
                return self.annotation(ref.env[0])
            return self.use("Any"), "recursive: the page does not say which enclosing shape repeats"
        assert node.scalar is not None
        if not request and node.shape in decoded_shapes().get(self.service, ()):
            return self.use(POLICY), ""
        return self.scalar(node.scalar, ref.node, request), ""

    def scalar(self, scalar: Scalar, node: int, request: bool) -> str:
        if scalar.enum:
            return self.literal_names[node]
        if scalar.type == "blob" and request:
            return self.use(BLOB)
        if scalar.type == "blob" and scalar.streaming:
            return self.use("StreamingBody")
        if scalar.type == "document":
            return self.use(DOCUMENT_INPUT if request else DOCUMENT)
        if scalar.type == "undocumented":
            return self.undocumented(request)
        simple = {"string": "str", "integer": "int", "float": "float", "boolean": "bool", "blob": "bytes"}
        if scalar.type == "timestamp":
            return self.use(TIMESTAMP if request else "datetime")
        return simple.get(scalar.type) or self.use("Any")

    def undocumented(self, request: bool) -> str:
        return f"{self.use('Mapping')}[str, {self.use('Any')}]" if request else f"dict[str, {self.use('Any')}]"

    def use(self, name: str) -> str:
        self.uses.add(name)
        return name

    def typeddict(self, ref: Ref) -> TypedDictSpec:
        node, total = self.node(ref.node), ref in self.total
        optional = OPTIONAL_RESPONSE_KEYS | OPTIONAL_RESPONSE_KEYS_OF.get(self.service, frozenset())
        fields = []
        for f in node.fields:
            annotation, comment = self.annotation(self.child(ref, f.node))
            # A response member is Required where the model says so (a page never does). A request
            # member whose page cut the parameter list (required None) is not Required either.
            required = f.name not in optional if total else f.required is True
            fields.append(FieldSpec(f.name, annotation, required, comment))
        if ref.side == OUTPUT and not any(f.name == "ResponseMetadata" for f in node.fields):
            fields.append(FieldSpec("ResponseMetadata", self.use(METADATA), total, ""))
        return TypedDictSpec(self.named[ref], tuple(fields))


# Scalars both sides type alike (a request takes more for blobs and timestamps; documents differ).
_SAME_ON_BOTH_SIDES = frozenset({"string", "integer", "float", "boolean"})


def _is_empty(node: Node) -> bool:
    return node.kind == "struct" and not node.fields and not node.event_stream


def _is_open(node: Node) -> bool:
    """A model's structure without members: any dict (as mypy-boto3), not a TypedDict of no keys."""
    return node.known and _is_empty(node)


def _stems(base: str, parent: str, op: str, response: bool = False, named: str = "") -> list[str]:
    """Name candidates: the botocore shape's name where known, else the member's, then its output
    variant, then prefixed with the parent's and the operation's names."""
    first = pascal(named) if named else base
    stems = [first, first + "Output"] if response else [first]
    return list(dict.fromkeys([*stems, parent + base, op + base]))


def _priority(seen: _Seen) -> tuple[int, int]:
    return -seen.uses, seen.order


def build_spec(operations: list[Operation], naming: Naming = "default", service: str = "") -> StubSpec:
    """Everything the stub files of these operations declare (``service``: the boto3 name, for what
    botocore and mypy-boto3 decide per service; "" none)."""
    builder, roots = _Builder(naming, service), _roots(operations, service)
    for name in (
        METADATA,
        EMPTY_RESPONSE,
        DOCUMENT,
        DOCUMENT_INPUT,
        BLOB,
        TIMESTAMP,
        POLICY,
        *(t.name for t in POLICY_SPECS),
    ):
        builder.names.reserve(name)
    nested = _nested_shapes(operations) if naming == "mypy-boto3" else frozenset()
    for root in roots:
        _name_root(builder, root, nested)
    for root in roots:
        for ref in (root.request, root.output):
            if ref is not None:
                builder.visit(ref, root.stem, root.stem, root.stem)
    builder.allocate()
    typeddicts = [builder.typeddict(ref) for ref in builder.named if builder.is_typeddict(ref)]
    methods = [_method(builder, root) for root in roots]
    literals = {name: LiteralSpec(name, builder.enum(node)) for node, name in builder.literal_names.items()}
    if any(m.response == EMPTY_RESPONSE for m in methods):
        typeddicts.append(EMPTY_RESPONSE_SPEC)
        builder.uses.add(METADATA)
    if METADATA in builder.uses:
        typeddicts.append(METADATA_SPEC)
    if POLICY in builder.uses:
        typeddicts.extend(POLICY_SPECS)
    aliases = builder.aliases + [a for a in (*SPECIAL_ALIASES, *JSON_ALIASES) if a.name in builder.uses]
    if DOCUMENT_INPUT in builder.uses:
        builder.uses |= {"Mapping", "Sequence"}
    if BLOB in builder.uses:
        builder.uses |= {"IO", "Any", "StreamingBody"}
    if TIMESTAMP in builder.uses:
        builder.uses.add("datetime")
    return StubSpec(
        sorted(literals.values(), key=lambda s: s.name),
        sorted(typeddicts, key=lambda s: s.name),
        sorted(aliases, key=lambda s: s.name),
        methods,
        frozenset(builder.uses),
    )


@dataclass(slots=True)
class _Root:
    op: Operation
    stem: str
    request: Ref | None = None
    output: Ref | None = None
    names: dict[str, str] = field(default_factory=dict)  # side -> the TypedDict (or alias) it is


def _roots(operations: list[Operation], service: str) -> list[_Root]:
    """One per method name (the first given wins), sorted, with a unique PascalCase stem."""
    stems, roots = NameAllocator(), []
    by_name = {op.name: op for op in reversed(operations)}
    for name in sorted(by_name):
        roots.append(_Root(_aliased(by_name[name], service), stems.numbered(pascal(name, "Operation"))))
    return roots


def _aliased(op: Operation, service: str) -> Operation:
    """The operation with the top-level request members botocore takes under another name renamed,
    and those it hides from its documentation (it fills them in) left out."""
    by_operation = PARAMETER_ALIASES.get(service, {})
    aliases = {**by_operation.get("*", {}), **by_operation.get(op.api_name or "", {})}
    hidden = _hidden_parameters().get((service, op.api_name or ""), frozenset())
    if not (aliases or hidden) or not isinstance(op.input, Structure):
        return op
    kept = [m for m in op.input.members if m.name not in hidden]
    members = tuple(replace(m, name=aliases.get(m.name, m.name)) for m in kept)
    overlay = op.traits
    if overlay is not None:  # the traits move with the members
        renamed = {f"{traits.INPUT}.{old}": f"{traits.INPUT}.{new}" for old, new in aliases.items()}
        overlay = {_renamed(path, renamed): found for path, found in overlay.items()}
    return replace(op, input=replace(op.input, members=members), traits=overlay)


@cache
def _hidden_parameters() -> dict[tuple[str, str], frozenset[str]]:
    """(service, operation) -> the request members botocore's documentation hides (its
    HideParamFromOperations handlers, e.g. S3's ContentMD5, which botocore computes)."""
    from botocore.handlers import (  # type: ignore[attr-defined, unused-ignore]  # botocore-stubs lacks it
        BUILTIN_HANDLERS,
        HideParamFromOperations,
    )

    found: dict[tuple[str, str], set[str]] = {}
    for handler in BUILTIN_HANDLERS:
        hider = getattr(handler[1], "__self__", None)
        if isinstance(hider, HideParamFromOperations):
            for event in getattr(hider, "_params_events", ()):
                _docs, _section, service, operation, *_rest = event.split(".")
                found.setdefault((service, operation), set()).add(getattr(hider, "_parameter_name", ""))
    return {key: frozenset(names) for key, names in found.items()}


def _renamed(path: str, renamed: dict[str, str]) -> str:
    for old, new in renamed.items():
        if path == old or path.startswith((old + ".", old + "[", old + "{")):
            return new + path[len(old) :]
    return path


def _nested_shapes(operations: list[Operation]) -> frozenset[str]:
    """The shape names the operations' members have (a whole response named so takes "Response")."""
    return frozenset(
        str(found[traits.SHAPE])
        for op in operations
        for path, found in (op.traits or {}).items()
        if path not in (traits.OPERATION, traits.INPUT, traits.OUTPUT) and traits.SHAPE in found
    )


def _root_name(builder: _Builder, root: _Root, side: str, nested: frozenset[str]) -> str:
    """``<Method>RequestTypeDef``/``ResponseTypeDef``; with mypy-boto3 naming, the side's shape name
    (+ ``Response`` where a member's shape has that name too) where the model gives it."""
    suffix = "RequestTypeDef" if side == REQUEST else "ResponseTypeDef"
    shape = (traits.at(root.op.traits, traits.INPUT if side == REQUEST else traits.OUTPUT) or {}).get(traits.SHAPE)
    if builder.naming != "mypy-boto3" or not shape:
        return root.stem + suffix
    stem = pascal(str(shape))
    if side == OUTPUT and stem in {pascal(n) for n in nested}:
        stem += "Response"
    return builder.names.numbered(stem, "TypeDef") if stem + "TypeDef" in builder.names.taken else stem + "TypeDef"


def _name_root(builder: _Builder, root: _Root, nested: frozenset[str]) -> None:
    """Reserve each side's name; a side seen before becomes an alias."""
    op = root.op
    for side, shape, key in ((REQUEST, op.input, traits.INPUT), (OUTPUT, op.output, traits.OUTPUT)):
        if shape is None:
            continue
        if not isinstance(shape, Structure):  # undocumented: the page cut this side
            name = root.names[side] = _root_name(builder, root, side, nested)
            builder.names.reserve(name)
            builder.aliases.append(Alias(name, f"dict[str, {builder.use('Any')}]", "the page cut this side"))
            continue
        shape = replace(shape, event_stream=False)  # a method's whole request or response is a dict
        ref = Ref(side, builder.interner.add(shape, op.traits, key))
        if builder.naming == "mypy-boto3" and ref in builder.named:  # one shape, one name (as mypy-boto3)
            root.names[side] = builder.named[ref]
            root.request, root.output = (ref, root.output) if side == REQUEST else (root.request, ref)
            continue
        name = root.names[side] = _root_name(builder, root, side, nested)
        builder.names.reserve(name)
        if side == OUTPUT and op.traits is not None:
            if not shape.members:  # mypy-boto3 returns any dict for a model's output of no members
                builder.aliases.append(Alias(name, builder.undocumented(False), ""))
                continue
            builder.total.add(ref)
        if side == REQUEST and not shape.members:  # one EmptyTypeDef, whatever the shapes' names
            ref = builder.empty_request = builder.empty_request or ref
            builder.named.setdefault(ref, EMPTY + "TypeDef")
            builder.names.reserve(EMPTY + "TypeDef")
        if ref in builder.named:
            builder.aliases.append(Alias(name, builder.named[ref], ""))
        else:
            builder.named[ref] = name
        root.request, root.output = (ref, root.output) if side == REQUEST else (root.request, ref)


def _method(builder: _Builder, root: _Root) -> MethodSpec:
    op = root.op
    # botocore returns the response metadata from every call: a model's operation without an output too
    response = root.names.get(OUTPUT) or (EMPTY_RESPONSE if op.traits is not None else None)
    request = root.names.get(REQUEST, root.stem + "RequestTypeDef")
    if not is_method_name(op.name):
        return MethodSpec(op.name, request, response, "skipped")
    if not isinstance(op.input, Structure):
        return MethodSpec(op.name, request, response, "any")
    return MethodSpec(op.name, request, response, "unpack" if op.input.members else "none")
