"""Pages turned into the rows the store keeps: content-addressed shape nodes and blobs (documentation
trees, traits overlays, method lists, a complete source's manifest), versions, the page record.

All of it is plain strings computed away from the database, so big ingests do it in their worker
processes and hand back a few strings per operation instead of whole shape trees.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from json.encoder import encode_basestring_ascii
from typing import Any

from ..model import CUT_SIDE, ListShape, MapShape, Operation, Overlay, Page, PageMethod, Scalar, Shape, Structure
from ..parse.delta import delta_to_json
from ..paths import LIST, MAP, members_of

CUT_NODE = "undocumented"  # the node id of a side the page cut: the store keeps a same-day source's instead
MANIFEST_PART = 16  # operations in a manifest part, on average


class NodeEncoder:
    """Shapes -> node ids (a hash of the node's canonical JSON with children as ids, a Merkle DAG
    like git trees: identical sub-shapes are one node). Collects each new node's body once."""

    def __init__(self) -> None:
        self.nodes: dict[str, str] = {}  # id -> body JSON, since the last take()
        self.unions: set[str] = set()  # text pages cannot tell unions: kept beside the ids
        self.blobs: dict[str, str] = {}  # id -> JSON of documentation trees, overlays, manifests
        self._ids: dict[int, tuple[Shape, str]] = {}  # id(shape) -> (shape kept alive, node id)
        self._docs: dict[int, tuple[Shape, str | None]] = {}  # id(shape) -> (shape, doc tree id)
        self._traits: dict[int, tuple[dict[str, Any], str]] = {}  # id(trait dict) -> (dict, its JSON)

    def node_id(self, shape: Shape) -> str:
        seen = self._ids.get(id(shape))
        if seen is not None:
            return seen[1]
        if type(shape) is Scalar:  # most nodes: a few distinct ones, written once
            if shape == CUT_SIDE:
                return CUT_NODE
            text, node = _scalar_node(shape, shape.json_value)
        else:
            text = self.body(shape)
            node = node_id_of(text)
        self.nodes[node] = text
        if isinstance(shape, Structure) and shape.union:
            self.unions.add(node)
        self._ids[id(shape)] = (shape, node)
        return node

    def take(self) -> tuple[dict[str, str], set[str], dict[str, str]]:
        """The nodes, union flags and blobs met since the last call."""
        taken = self.nodes, self.unions, self.blobs
        self.nodes, self.unions, self.blobs = {}, set(), {}
        return taken

    def blob(self, value: Any) -> str:
        """A JSON value's blob id (content-addressed like nodes: equal values are one row)."""
        text = canonical(value)
        blob = node_id_of(text)
        self.blobs[blob] = text
        return blob

    def manifest(self, entries: dict[str, list[str | None]]) -> str:
        """A complete source's ``{operation: VersionRow.entry()}`` as the blob id of a list of parts, each
        a blob of some operations' entries, cut after an operation whose name hashes to 0 mod
        MANIFEST_PART (content-defined, as rsync cuts): a release that changes a few operations of a
        big service writes the parts holding them, not the whole manifest again."""
        parts: list[str] = []
        part: dict[str, list[str | None]] = {}
        for operation in sorted(entries):
            part[operation] = entries[operation]
            if int(node_id_of(operation)[:8], 16) % MANIFEST_PART == 0:
                parts.append(self.blob(part))
                part = {}
        if part or not parts:
            parts.append(self.blob(part))
        return self.blob(parts)

    def overlay(self, overlay: Overlay) -> str:
        """An overlay's blob id, its text exactly ``canonical(overlay)``'s, written from each trait dict's
        JSON once: a converter shares one dict among the paths and operations reaching a sub-shape, and
        json.dumps of every overlay was a fifth of a full release."""
        items = ",".join(f"{_json_text(path)}:{self._trait_text(overlay[path])}" for path in sorted(overlay))
        text = "{" + items + "}"
        blob = node_id_of(text)
        self.blobs[blob] = text
        return blob

    def traits_id(self, op: Operation) -> str | None:
        """The blob id of ``op``'s overlay (None: unknown), stored as a tree beside its shape nodes when
        it lists exactly the paths of the shapes' walk and ``''`` (a model's overlay does): a blob
        ``[operation traits, input node, output node, input tree, output tree]``, each tree a
        content-addressed ``{"t": traits, "m": [[member, tree]...] | "l" | "v": tree}`` of its non-empty
        entries only (the ``{}`` of every other path is implied by the walk), so identical sub-overlays,
        across operations and releases, are one row: the flat overlays were most of a store's bytes.
        Any other overlay is stored flat (``overlay``)."""
        overlay = op.traits
        if overlay is None:
            return None
        paths: set[str] = {""}
        trees = [self._trait_tree(op.input, "input", overlay, paths),
                 None if op.output is None else self._trait_tree(op.output, "output", overlay, paths)]  # fmt: skip
        if paths != overlay.keys():
            return self.overlay(overlay)
        output = None if op.output is None else self.node_id(op.output)
        return self.blob([overlay[""], self.node_id(op.input), output, *trees])

    def _trait_tree(self, shape: Shape, path: str, overlay: Overlay, paths: set[str]) -> str | None:
        """The tree of ``overlay``'s entries at and under ``path`` (None: all empty), adding the walk's paths.

        Its canonical JSON is written directly (keys in sorted order: l, m, t, v): a big model walks
        hundreds of thousands of paths, and json.dumps of each tree node was most of converting it."""
        paths.add(path)
        parts: dict[str, str] = {}
        if isinstance(shape, Structure):
            prefix = members_of(path)
            children = ((m.name, self._trait_tree(m.shape, prefix + m.name, overlay, paths)) for m in shape.members)
            members = ",".join(f'[{_json_string(name)},"{child}"]' for name, child in children if child is not None)
            if members:
                parts["m"] = f"[{members}]"
        elif isinstance(shape, ListShape | MapShape):
            kind, step = ("l", LIST) if isinstance(shape, ListShape) else ("v", MAP)
            child = self._trait_tree(
                shape.member if isinstance(shape, ListShape) else shape.value, path + step, overlay, paths
            )
            if child is not None:
                parts[kind] = f'"{child}"'
        traits = overlay.get(path)
        if traits:
            parts["t"] = self._trait_text(traits)
        if not parts:
            return None
        text = "{" + ",".join(f'"{k}":{parts[k]}' for k in sorted(parts)) + "}"
        blob = node_id_of(text)
        self.blobs[blob] = text
        return blob

    def _trait_text(self, traits: dict[str, Any]) -> str:
        seen = self._traits.get(id(traits))
        if seen is None:
            seen = self._traits[id(traits)] = (traits, canonical(traits))  # the dict kept alive: ids stay unique
        return seen[1]

    def doc_id(self, shape: Shape) -> str | None:
        """The id of the documentation tree beside ``shape``'s node (None: no documentation in it).

        Members' documentation, content-addressed as shapes are: a structure's tree lists
        [member, text, child tree] for its members with any; identical documented subtrees, across
        operations and releases, are one row (member documentation was most of a store's bytes)."""
        kind = type(shape)
        if kind is Scalar:  # most shapes: no tree
            return None
        seen = self._docs.get(id(shape))
        if seen is not None:
            return seen[1]
        # The tree's canonical JSON ({"m": [[member, text, child tree or null]...]}, {"l"|"v": child}),
        # written directly as body() writes nodes: json.dumps of each tree was a sixth of encoding.
        text = None
        if isinstance(shape, Structure):
            doc_id, members = self.doc_id, []
            for m in shape.members:
                child = doc_id(m.shape)
                if child is not None:
                    members.append(f'[{_json_text(m.name)},{_json_text(m.documentation)},"{child}"]')
                elif m.documentation:
                    members.append(f"[{_json_text(m.name)},{_json_text(m.documentation)},null]")
            if members:
                text = '{"m":[' + ",".join(members) + "]}"
        elif isinstance(shape, ListShape | MapShape):
            child = self.doc_id(shape.member if isinstance(shape, ListShape) else shape.value)
            if child is not None:
                text = f'{{"{"l" if kind is ListShape else "v"}":"{child}"}}'
        found = None
        if text is not None:
            found = node_id_of(text)
            self.blobs[found] = text
        self._docs[id(shape)] = (shape, found)
        return found

    def body(self, shape: Shape) -> str:
        """The node's canonical JSON (sorted keys, no spaces), written directly: pages have tens of
        thousands of nodes and json.dumps of a dict per node was a fifth of the ingest. Its own
        recursion, not ``model.walk``: a body needs its children's ids first (post-order)."""
        if isinstance(shape, Structure):
            members = ",".join(
                f'[{_json_string(m.name)},{_JSON[m.required]},"{self.node_id(m.shape)}"]' for m in shape.members
            )
            stream = '"event_stream":true,' if shape.event_stream else ""
            return f'{{{stream}"members":[{members}],"type":"structure"}}'
        if isinstance(shape, ListShape):
            return f'{{"member":"{self.node_id(shape.member)}","type":"list"}}'
        if isinstance(shape, MapShape):
            return f'{{"key":"{self.node_id(shape.key)}","type":"map","value":"{self.node_id(shape.value)}"}}'
        return _scalar_node(shape, shape.json_value)[0]


@lru_cache(maxsize=1 << 16)
def _scalar_node(shape: Scalar, json_value: bool) -> tuple[str, str]:
    """A leaf's body and id (``json_value`` apart: equal scalars may differ in it)."""
    trait = {"json_value": True} if json_value else {}  # kept in the node, not in canonical JSON
    body = json.dumps(shape.to_json() | trait, separators=(",", ":"), sort_keys=True)
    return body, node_id_of(body)


def node_id_of(body: str) -> str:
    """A node's id: the hash of its body (so a store can tell a damaged body from a good one)."""
    return hashlib.blake2b(body.encode(), digest_size=12).hexdigest()


def canonical(value: Any) -> str:
    """The stored text of a JSON value (sorted keys, no spaces): equal values, equal text, one row."""
    return _canonical(value)


# json.dumps's text with these options, from one encoder (json.dumps builds one per call with them).
_canonical: Callable[[Any], str] = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


_JSON = {True: "true", False: "false", None: "null"}
_json_string = lru_cache(maxsize=1 << 16)(json.dumps)  # member names repeat across a page
_json_text: Callable[[str], str] = encode_basestring_ascii  # a string as json.dumps writes it (C)


@dataclass(frozen=True, slots=True)
class VersionRow:
    """One operation as of one release: its shapes as node ids, documentation and traits as blob ids."""

    operation: str
    api_name: str | None
    input: str
    output: str | None
    docs: str  # blob: [operation documentation, input doc tree, output doc tree]
    traits: str | None  # blob: the model's overlay; None: a page's (derived when read)

    def entry(self) -> list[str | None]:
        """The version as a manifest holds it (and the versions table's columns after the key)."""
        return [self.api_name, self.input, self.output, self.docs, self.traits]


@dataclass(frozen=True, slots=True)
class PageRecord:
    service: str
    release: str
    source: str
    full_name: str | None
    note: str | None
    complete: bool
    methods: list[dict[str, Any]]
    model_digest: str | None = None  # a model source's digest of its files (sync reuses an unchanged one)


@dataclass(frozen=True, slots=True)
class EncodedPage:
    record: PageRecord
    digest: str  # same content (whatever the file name), same digest: storing a page twice is a no-op
    versions: list[VersionRow]
    nodes: Mapping[str, str]  # the nodes it brought (id -> body JSON)
    unions: set[str]
    blobs: Mapping[str, str] = field(default_factory=dict)  # the blobs it brought (the same)
    methods: str = ""  # blob id of record.methods
    manifest: str | None = None  # a complete source: blob id of its manifest (NodeEncoder.manifest)
    traits: str | None = None  # blob id of Page.traits (service-level facts of a model)


def encode_page(page: Page, encoder: NodeEncoder) -> EncodedPage:
    """A dated, named page -> rows. Nodes and blobs the encoder saw for an earlier page are not repeated."""
    assert page.service is not None and page.date is not None
    versions = [_version(m.operation, encoder) for m in page.methods]
    methods = [_method_record(m) for m in page.methods]
    record = PageRecord(
        page.service,
        page.date.isoformat(),
        page.source,
        page.full_name,
        page.release_note,
        page.complete,
        methods,
        page.model_digest,
    )
    methods_id = encoder.blob(methods)
    traits = None if page.traits is None else encoder.blob(page.traits)
    manifest = encoder.manifest({v.operation: v.entry() for v in versions}) if page.complete else None
    nodes, unions, blobs = encoder.take()
    digest = page_digest(record, versions, traits)
    return EncodedPage(record, digest, versions, nodes, unions, blobs, methods_id, manifest, traits)


def page_digest(record: PageRecord, versions: list[VersionRow], traits: str | None) -> str:
    """Everything stored but the file name and documentation: a page differing only in its note
    (or a model only in its traits) is another page."""
    sides = [[v.operation, v.input, v.output, *([v.traits] if v.traits else [])] for v in versions]
    said = [record.service, record.release, record.complete, record.full_name, record.note, record.methods, sides]
    body = json.dumps(said + ([traits] if traits else []), sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()[:24]


def _version(op: Operation, encoder: NodeEncoder) -> VersionRow:
    output = None if op.output is None else encoder.node_id(op.output)
    sides = [encoder.doc_id(op.input), None if op.output is None else encoder.doc_id(op.output)]
    docs = encoder.blob([op.documentation, *sides])
    traits = encoder.traits_id(op)
    return VersionRow(op.name, op.api_name, encoder.node_id(op.input), output, docs, traits)


def _method_record(method: PageMethod) -> dict[str, Any]:
    return {
        "operation": method.operation.name,
        "status": method.status,
        "deltas": [delta_to_json(d) for d in method.deltas],
    }


def member_docs(op: Operation) -> dict[str, str]:
    """{'input.a.b[]': text, ...}: member documentation by path (what the store's doc trees hold)."""
    docs: dict[str, str] = {}
    for side, shape in (("input", op.input), ("output", op.output)):
        _collect_docs(shape, side, docs)
    return docs


def _collect_docs(shape: Shape | None, path: str, docs: dict[str, str]) -> None:
    # What model.walk yields, members only: walk visits every shape and costs twice this here.
    if isinstance(shape, Structure):
        prefix = members_of(path)
        for m in shape.members:
            if m.documentation:
                docs[prefix + m.name] = m.documentation
            _collect_docs(m.shape, prefix + m.name, docs)
    elif isinstance(shape, ListShape):
        _collect_docs(shape.member, path + LIST, docs)
    elif isinstance(shape, MapShape):
        _collect_docs(shape.value, path + MAP, docs)
