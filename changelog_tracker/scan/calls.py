"""boto3 call sites in Python source, found with the standard ``ast`` (the code is never imported or run).

A small abstract interpreter walks each scope in source order and tracks what names hold: the
``boto3``/``botocore`` modules and functions (through any import alias), sessions, clients of a
known service, paginators, waiters, literal constants and operation results. Branches are joined
(a name bound to two different clients, or to a client on some paths only, is ambiguous), function
bodies are walked after their enclosing scope (they run later, against its final bindings), and
``self.x`` attributes are collected over all methods of a class before any method is recorded;
calling a function, method or property defined in the module gives what its ``return`` statements give.
Resources (``boto3.resource``) are out of scope and ignored. Whatever points at a client whose
service cannot be known is reported as :class:`Unresolved` with a reason, never guessed.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from changelog_tracker.paths import LIST, join


class Unknown:
    """A value not known statically (the singleton :data:`UNKNOWN`)."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown>"


class Spread:
    """A dict key: ``**expr`` was spread into this dict, so other keys may be present (:data:`SPREAD`)."""

    _instance: Spread | None = None

    def __new__(cls) -> Spread:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<spread>"


UNKNOWN: Final = Unknown()
SPREAD: Final = Spread()


@dataclass(frozen=True, slots=True)
class Call:
    file: str
    line: int  # 1-based line and column of the call expression
    col: int
    service: str  # boto3 service name as given ("lambda")
    method: str  # client method; paginator: the paginated method; waiter: the waiter name
    via: str  # "client" | "paginator" | "waiter"
    payload: dict[Any, Any]  # keyword arguments as a nested literal structure (UNKNOWN, SPREAD)
    reads: tuple[str, ...] = ()  # deepest response paths read from the result in the same function


@dataclass(frozen=True, slots=True)
class Unresolved:
    file: str
    line: int
    col: int
    reason: str
    text: str  # the call's source, shortened


@dataclass(frozen=True, slots=True)
class ScanResult:
    calls: list[Call]
    unresolved: list[Unresolved]
    files: int
    lines: int


# Client methods that are not API operations: botocore's own on every client, and the helpers botocore
# (signers.py, on creating-client-class.<service>) and boto3 (s3/inject.py) add to some services' clients.
NOT_OPERATIONS: Final = frozenset(
    {"close", "can_paginate", "generate_presigned_url", "get_paginator", "get_waiter", "meta", "exceptions"}
    | {"waiter_names"}
)
HELPERS: Final[dict[str, frozenset[str]]] = {
    "s3": frozenset(
        {"generate_presigned_post", "upload_file", "download_file", "upload_fileobj", "download_fileobj", "copy"}
    ),
    "rds": frozenset({"generate_db_auth_token"}),
    "dsql": frozenset({"generate_db_connect_auth_token", "generate_db_connect_admin_auth_token"}),
}
_ANY_HELPER: Final = frozenset().union(*HELPERS.values())  # a client of unknown service may be any of them
_NOT_CALLS: Final = NOT_OPERATIONS - {"get_paginator", "get_waiter"}  # these two make paginators, waiters
POSITIONAL: Final = "positional arguments (boto3 operations take keyword arguments only)"
TEXT_LIMIT: Final = 80

# Qualified names of what makes sessions and clients.
_CLIENT_MAKERS: Final = frozenset({"boto3.client", "boto3.session.Session.client"})
_SESSIONS: Final = frozenset({"boto3.Session", "boto3.session.Session"})
_BOTOCORE_SESSIONS: Final = frozenset({"botocore.session.get_session", "botocore.session.Session"})
_MODULES: Final = ("boto3", "botocore", "mypy_boto3_", "types_boto3_", "types_aiobotocore_")
# Stub client types: mypy_boto3_lambda.LambdaClient (also .client.LambdaClient), our lambda_stubs.client.Client.
_STUB_TYPE: Final = re.compile(
    r"(?:mypy_boto3|types_boto3|types_aiobotocore)_(\w+?)(?:\.client)?\.\w+Client|(\w+?)_stubs(?:\.client)?\.Client"
)


# -- what a name can hold -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ref:
    """A module, function or class known by its qualified name (``boto3.client``)."""

    name: str


@dataclass(frozen=True, slots=True)
class Session:
    kind: str  # "boto3" | "botocore"


@dataclass(frozen=True, slots=True)
class Client:
    service: str


@dataclass(frozen=True, slots=True)
class Paginator:
    service: str
    method: str


@dataclass(frozen=True, slots=True)
class Waiter:
    service: str
    name: str


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """Maybe a session, client, paginator or waiter (`kinds`), not known which: its calls are unresolved."""

    reason: str
    kinds: frozenset[str]


@dataclass(frozen=True, slots=True)
class Bound:
    """``owner.name`` where owner is a session, client, paginator or waiter (a method not yet called)."""

    owner: Value
    name: str


@dataclass(frozen=True, slots=True)
class Result:
    """An operation's result (``call`` indexes the calls found; -1 while collecting) at response ``path``."""

    call: int
    path: str
    pages: bool = False  # a paginator's page iterator: iterating gives whole results


@dataclass(frozen=True, slots=True)
class Lit:
    """A literal constant (str, number, bool, None)."""

    value: object


@dataclass(eq=False, slots=True)
class Function:
    """A function defined here: calling it gives what its ``return`` statements give (joined)."""

    node: ast.FunctionDef | ast.AsyncFunctionDef
    scope: Scope  # where it was defined
    cls: ClassInfo | None  # the class whose ``self`` its first parameter is


@dataclass(eq=False, slots=True)
class ClassInfo:
    attrs: dict[str, Value] = field(default_factory=dict)  # self.x over all methods (joined)
    methods: dict[str, Function] = field(default_factory=dict)
    properties: set[str] = field(default_factory=set)
    missed: set[str] = field(default_factory=set)  # attributes read before any assignment was seen


@dataclass(frozen=True, slots=True)
class SelfRef:
    cls: ClassInfo


@dataclass(frozen=True, slots=True)
class Other:
    """Anything else (not a client, not known)."""


@dataclass(frozen=True, slots=True)
class Unbound:
    """A name not bound on one path (using it there would raise NameError)."""


Value = (
    Ref | Session | Client | Paginator | Waiter | Ambiguous | Bound | Result | Lit | SelfRef | Function | Other
) | Unbound
OTHER: Final = Other()
UNBOUND: Final = Unbound()
NONE: Final = Lit(None)
_CLIENTISH = (Session, Client, Paginator, Waiter, Ambiguous)


def _join(a: Value, b: Value) -> Value:
    """What a name holds after two paths that bound it to `a` and `b`.

    ``None`` joins into a client or module (``self.client = None`` until made lazily, ``boto3 = None``
    when the import fails): calling on None would raise, so the other value is the only working one.
    """
    if a == b or b == UNBOUND:
        return a
    if a == UNBOUND:
        return b
    if a == NONE and isinstance(b, (*_CLIENTISH, Ref)):
        return b
    if b == NONE and isinstance(a, (*_CLIENTISH, Ref)):
        return a
    kinds = _kinds(a) | _kinds(b)
    if not kinds:
        return OTHER
    noun = next(iter(kinds)) if len(kinds) == 1 else "client"
    if isinstance(a, _CLIENTISH) and isinstance(b, _CLIENTISH):
        return Ambiguous(f"bound to different {noun}s on different paths", kinds)
    return Ambiguous(f"bound to a {noun} on some paths only", kinds)


def _kinds(value: Value) -> frozenset[str]:
    if isinstance(value, Ambiguous):
        return value.kinds
    kind = {Session: "session", Client: "client", Paginator: "paginator", Waiter: "waiter"}.get(type(value))
    return frozenset({kind}) if kind else frozenset()


def _would_call(kinds: frozenset[str], name: str) -> bool:
    """Would calling `name` on something of one of `kinds` make a client or an API call?"""
    return (
        ("session" in kinds and name in ("client", "create_client"))
        or ("client" in kinds and not name.startswith("_") and name not in _NOT_CALLS | _ANY_HELPER)
        or ("paginator" in kinds and name == "paginate")
        or ("waiter" in kinds and name == "wait")
    )


# -- scopes -----------------------------------------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class Scope:
    parent: Scope | None
    names: dict[str, Value] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    comprehension: bool = False
    deferred: list[Callable[[], None]] = field(default_factory=list)
    returns: Value = UNBOUND  # a function's scope: what its return statements give, joined

    def lookup(self, name: str) -> Value:
        scope: Scope | None = self
        if name in self.globals:
            scope = self.module()
        first = True
        while scope is not None:
            if name in scope.names:
                value = scope.names[name]
                if value == UNBOUND:
                    return OTHER
                # a result read in another function is not this function's read
                return OTHER if isinstance(value, Result) and not first and not self.comprehension else value
            first = first and scope.comprehension
            scope = scope.parent
        return OTHER

    def function(self) -> Scope:
        scope = self
        while scope.comprehension and scope.parent is not None:
            scope = scope.parent
        return scope

    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def bind(self, name: str, value: Value) -> None:
        scope = self
        while scope.comprehension and scope.parent is not None:  # a walrus binds in the enclosing function
            scope = scope.parent
        if name in scope.globals:
            module = scope.module()
            module.names[name] = _join(module.names.get(name, UNBOUND), value)
        else:
            scope.names[name] = value


def _merge(base: dict[str, Value], branches: Iterable[dict[str, Value]]) -> dict[str, Value]:
    """Names after alternative branches, each a copy of `base` walked on (or `base` itself: none ran)."""
    ends: list[dict[str, Value]] = []
    for branch in branches:
        if branch not in ends:  # most branches bind nothing new: equal ends are joined once
            ends.append(branch)
    if len(ends) <= 1:
        return ends[0] if ends else dict(base)
    out: dict[str, Value] = {}
    for name in set().union(*ends):
        joined = ends[0].get(name, UNBOUND)
        for end in ends[1:]:
            joined = _join(joined, end.get(name, UNBOUND))
        out[name] = joined
    return out




_CLIENT_EXPRESSIONS: Final = (ast.Name, ast.Attribute, ast.Call, ast.IfExp, ast.BoolOp, ast.NamedExpr, ast.Await)


def _may_return_a_client(body: list[ast.stmt]) -> bool:
    """Has this function body a ``return`` of its own whose value could be a client (statements only: cheap)?"""
    for stmt in body:
        if isinstance(stmt, ast.Return) and isinstance(stmt.value, _CLIENT_EXPRESSIONS):
            return True
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, name, None)
            if isinstance(inner, list) and _may_return_a_client(inner):
                return True
        parts = [*getattr(stmt, "handlers", ()), *getattr(stmt, "cases", ())]
        if any(_may_return_a_client(part.body) for part in parts):
            return True
    return False


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` (checked without unparsing: every ``if`` asks)."""
    name = test.attr if isinstance(test, ast.Attribute) else test.id if isinstance(test, ast.Name) else ""
    return name == "TYPE_CHECKING"


_FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda

# -- the walk ---------------------------------------------------------------------------------------------------


class _Finder:
    def __init__(self, text: str, file: str) -> None:
        self.text, self.file = text, file
        self.recording = True
        self.found: list[tuple[int, int, str, str, str, dict[Any, Any]]] = []
        self.reads: list[list[str]] = []
        self.unresolved: list[Unresolved] = []
        self._lines: list[str] | None = None
        self.method_bodies: list[Callable[[], None]] = []  # the methods of the class being read
        self.returns: dict[ast.AST, Value] = {}  # per function walked: what it returns

    # positions and text

    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = re.split(r"\r\n|\r|\n", self.text)
        return self._lines

    def position(self, node: ast.expr) -> tuple[int, int]:
        """1-based line and column in characters (ast's col_offset counts UTF-8 bytes)."""
        line = self.line(node.lineno)
        col = node.col_offset if line.isascii() else len(line.encode()[: node.col_offset].decode(errors="replace"))
        return node.lineno, col + 1

    def line(self, number: int) -> str:
        lines = self.lines()
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def source(self, node: ast.expr) -> str:
        raw = self.line(node.lineno).encode()
        if node.end_lineno == node.lineno:
            text = raw[node.col_offset : node.end_col_offset].decode(errors="replace")
        else:
            text = raw[node.col_offset :].decode(errors="replace").rstrip() + " ..."
        return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 3] + "..."

    def unresolved_at(self, node: ast.expr, reason: str) -> None:
        if self.recording:
            line, col = self.position(node)
            self.unresolved.append(Unresolved(self.file, line, col, reason, self.source(node)))

    # statements

    def block(self, body: list[ast.stmt], scope: Scope) -> None:
        for stmt in body:
            self.stmt(stmt, scope)

    def branches(self, scope: Scope, bodies: list[list[ast.stmt]], fallthrough: bool = False) -> None:
        """Walk alternative bodies from the same bindings; `fallthrough`: none of them may run."""
        base = scope.names
        ends = []
        for body in bodies:
            scope.names = dict(base)
            self.block(body, scope)
            ends.append(scope.names)
        if fallthrough:
            ends.append(base)
        scope.names = _merge(base, ends)

    def stmt(self, node: ast.stmt, scope: Scope) -> None:
        if isinstance(node, ast.Expr):
            self.expr(node.value, scope)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            self.assign_from(node.targets[0], node.value, scope)
        elif isinstance(node, ast.Assign):
            value = self.expr(node.value, scope)
            for target in node.targets:
                self.assign(target, value, scope)
        elif isinstance(node, ast.AnnAssign):
            value = self.expr(node.value, scope) if node.value is not None else NONE
            stub = self.stub_type(node.annotation, scope)
            # the declared client type decides unless the value is itself known (`x: S3Client = a or b`: a, b unknown)
            if stub is not None and not isinstance(value, Session | Client | Paginator | Waiter):
                value = stub
            if node.value is not None or stub is not None:
                self.assign(node.target, value, scope)
        elif isinstance(node, ast.AugAssign):
            self.expr(node.value, scope)
            self.assign(node.target, OTHER, scope)
        elif isinstance(node, ast.Return):
            value = self.expr(node.value, scope) if node.value is not None else NONE
            function = scope.function()
            function.returns = _join(function.returns, OTHER if isinstance(value, Result) else value)
        elif isinstance(node, ast.Delete):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child, scope)
            if isinstance(node, ast.Delete):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        scope.names.pop(target.id, None)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            self.block(node.body, scope)  # what a type checker sees: its stub imports name the client types
        elif isinstance(node, ast.If):
            self.expr(node.test, scope)
            self.branches(scope, [node.body, node.orelse])
        elif isinstance(node, ast.For | ast.AsyncFor):
            self.assign(node.target, self.iterate(self.expr(node.iter, scope)), scope)
            self.branches(scope, [node.body], fallthrough=True)
            self.block(node.orelse, scope)
        elif isinstance(node, ast.While):
            self.expr(node.test, scope)
            self.branches(scope, [node.body], fallthrough=True)
            self.block(node.orelse, scope)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                value = self.expr(item.context_expr, scope)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value, scope)
            self.block(node.body, scope)
        elif isinstance(node, ast.Try | ast.TryStar):
            self.block(node.body, scope)
            self.block(node.orelse, scope)
            for handler in node.handlers:
                if handler.name:
                    scope.names[handler.name] = OTHER
            self.branches(scope, [h.body for h in node.handlers], fallthrough=True)
            self.block(node.finalbody, scope)
        elif isinstance(node, ast.Match):
            self.expr(node.subject, scope)
            self.branches(scope, [case.body for case in node.cases], fallthrough=True)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scope.bind(alias.asname, Ref(alias.name))
                else:
                    top = alias.name.split(".")[0]
                    scope.bind(top, Ref(top))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            for alias in node.names:
                imported: Value = Ref(f"{module}.{alias.name}") if node.level == 0 else OTHER
                scope.bind(alias.asname or alias.name, imported)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            if isinstance(node, ast.Global):
                scope.globals.update(node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self.function(node, scope, None)
        elif isinstance(node, ast.ClassDef):
            self.class_def(node, scope)
        else:  # raise, assert, pass, break, continue, type aliases
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child, scope)

    def assign_from(self, target: ast.expr, node: ast.expr, scope: Scope) -> None:
        """``a, b = x, y`` binds item by item; anything else binds the value of the whole right side."""
        if (
            isinstance(target, ast.Tuple | ast.List)
            and isinstance(node, ast.Tuple | ast.List)
            and len(target.elts) == len(node.elts)
            and not any(isinstance(e, ast.Starred) for e in target.elts)
        ):
            for element, item in zip(target.elts, node.elts, strict=True):
                self.assign_from(element, item, scope)
        else:
            self.assign(target, self.expr(node, scope), scope)

    def assign(self, target: ast.expr, value: Value, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            scope.bind(target.id, value)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self.assign(element, OTHER, scope)
        elif isinstance(target, ast.Attribute):
            owner = self.expr(target.value, scope)
            if isinstance(owner, SelfRef) and not self.recording:
                old = owner.cls.attrs.get(target.attr)
                owner.cls.attrs[target.attr] = value if old is None else _join(old, value)
        elif isinstance(target, ast.Subscript):
            self.expr(target.value, scope)
            self.expr(target.slice, scope)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, OTHER, scope)

    def quiet(self, node: ast.expr, scope: Scope) -> Value:
        recording, self.recording = self.recording, False
        try:
            return self.expr(node, scope)
        finally:
            self.recording = recording

    # functions and classes

    def function(self, node: _FunctionNode, scope: Scope, cls: ClassInfo | None) -> None:
        for expr in [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]:
            self.expr(expr, scope)
        if isinstance(node, ast.Lambda):
            inner = Scope(scope)
            self.bind_params(node, inner, None, scope)
            self.expr(node.body, inner)
            return
        for decorator in node.decorator_list:
            self.expr(decorator, scope)
        decorators = {ast.unparse(d) for d in node.decorator_list}
        function = Function(node, scope, cls if cls is not None and "staticmethod" not in decorators else None)
        if cls is None:
            scope.bind(node.name, function)
            scope.deferred.append(lambda: self.returns.__setitem__(node, self.run(function)))
        else:
            cls.methods[node.name] = function
            if "property" in decorators or "cached_property" in decorators or "functools.cached_property" in decorators:
                cls.properties.add(node.name)
            self.method_bodies.append(lambda: self.returns.__setitem__(node, self.run(function)))

    def run(self, function: Function) -> Value:
        """Walk a function's body (after its definer's); what it returns."""
        inner = Scope(function.scope)
        self.bind_params(function.node, inner, function.cls, function.scope)
        self.block(function.node.body, inner)
        self.run_deferred(inner)
        return NONE if inner.returns == UNBOUND else inner.returns

    def returned(self, function: Function) -> Value:
        """What calling `function` gives: from its walk, or (called before it was walked) a quiet walk now."""
        if function.node not in self.returns and not _may_return_a_client(function.node.body):
            return OTHER  # most functions called before their walk (a script's main()) return no client
        if function.node not in self.returns:
            self.returns[function.node] = OTHER  # a recursive call meanwhile gives nothing known
            recording, self.recording = self.recording, False
            try:
                self.returns[function.node] = self.run(function)
            finally:
                self.recording = recording
        return self.returns[function.node]

    def bind_params(self, node: _FunctionNode, inner: Scope, cls: ClassInfo | None, outer: Scope) -> None:
        args = node.args
        every = [*args.posonlyargs, *args.args, *([args.vararg] if args.vararg else []), *args.kwonlyargs]
        every += [args.kwarg] if args.kwarg else []
        for index, arg in enumerate(every):
            stub = self.stub_type(arg.annotation, outer) if arg.annotation is not None else None
            if index == 0 and cls is not None and arg in [*args.posonlyargs, *args.args]:
                inner.names[arg.arg] = SelfRef(cls)
            else:
                inner.names[arg.arg] = stub if stub is not None and arg not in (args.vararg, args.kwarg) else OTHER

    def class_def(self, node: ast.ClassDef, scope: Scope) -> None:
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.expr(expr, scope)
        info = ClassInfo()
        body_scope = Scope(scope)  # the class body: its names do not enclose the methods
        saved, self.method_bodies = self.method_bodies, []
        for stmt in node.body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                self.function(stmt, scope, info)
            else:
                self.stmt(stmt, body_scope)
        info.attrs.update({k: v for k, v in body_scope.names.items() if isinstance(v, _CLIENTISH)})
        methods, self.method_bodies = self.method_bodies, saved
        self.run_deferred(body_scope)
        scope.bind(node.name, OTHER)

        def bodies() -> None:
            recording = self.recording
            self.recording = False
            for _ in range(3):  # collect self.x over all methods; again if one read an attribute assigned later
                info.missed.clear()
                for method in methods:
                    method()
                if not info.missed & info.attrs.keys():
                    break
            self.recording = recording
            for method in methods:
                method()

        scope.deferred.append(bodies)

    def run_deferred(self, scope: Scope) -> None:
        while scope.deferred:
            scope.deferred.pop(0)()

    # annotations

    def stub_type(self, annotation: ast.expr, scope: Scope) -> Client | None:
        """The client a stub type annotation names (``LambdaClient``, ``Optional["LambdaClient"]``), if one."""
        services = set()
        for node in ast.walk(annotation):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                try:
                    parsed = ast.parse(node.value, mode="eval").body
                except SyntaxError:
                    continue
                found = self.stub_type(parsed, scope)
                services |= {found.service} if found else set()
            elif isinstance(node, ast.Name | ast.Attribute):
                ref = self.quiet(node, scope)
                match = _STUB_TYPE.fullmatch(ref.name) if isinstance(ref, Ref) else None
                if match:
                    services.add((match.group(1) or match.group(2)).replace("_", "-"))
        return Client(services.pop()) if len(services) == 1 else None

    # expressions

    def expr(self, node: ast.expr, scope: Scope) -> Value:
        if isinstance(node, ast.Name):
            return scope.lookup(node.id)
        if isinstance(node, ast.Constant):
            return Lit(node.value) if isinstance(node.value, str | int | float | bool | None) else OTHER
        if isinstance(node, ast.Attribute):
            return self.attribute(self.expr(node.value, scope), node.attr)
        if isinstance(node, ast.Call):
            return self.call(node, scope)
        if isinstance(node, ast.Subscript):
            owner = self.expr(node.value, scope)
            self.expr(node.slice, scope)
            return self.subscript(owner, node.slice)
        if isinstance(node, ast.NamedExpr):
            value = self.expr(node.value, scope)
            scope.bind(node.target.id, value)
            return value
        if isinstance(node, ast.Lambda):
            self.function(node, scope, None)
            return OTHER
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            inner = Scope(scope, comprehension=True)
            for index, generator in enumerate(node.generators):
                iterated = self.expr(generator.iter, scope if index == 0 else inner)
                self.assign(generator.target, self.iterate(iterated), inner)
                for condition in generator.ifs:
                    self.expr(condition, inner)
            for part in (node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,):
                self.expr(part, inner)
            return OTHER
        if isinstance(node, ast.IfExp):
            self.expr(node.test, scope)
            return _join(self.expr(node.body, scope), self.expr(node.orelse, scope))
        if isinstance(node, ast.BoolOp):
            joined: Value = UNBOUND
            for operand in node.values:
                joined = _join(joined, self.expr(operand, scope))
            return joined
        if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
            value = literal(node)
            return OTHER if value is UNKNOWN else Lit(value)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child, scope)
            elif isinstance(child, ast.keyword | ast.comprehension):
                for grandchild in ast.iter_child_nodes(child):
                    if isinstance(grandchild, ast.expr):
                        self.expr(grandchild, scope)
        return OTHER

    def attribute(self, owner: Value, name: str) -> Value:
        if isinstance(owner, Ref):
            return Ref(f"{owner.name}.{name}")
        if isinstance(owner, SelfRef):
            method = owner.cls.methods.get(name)
            if method is not None:
                return self.returned(method) if name in owner.cls.properties else method
            if name not in owner.cls.attrs:
                owner.cls.missed.add(name)
            return owner.cls.attrs.get(name, OTHER)
        if isinstance(owner, Session | Client | Paginator | Waiter | Ambiguous):
            return Bound(owner, name)
        if isinstance(owner, Result) and name == "get":
            return Bound(owner, name)
        return OTHER

    def subscript(self, owner: Value, key: ast.expr) -> Value:
        if not isinstance(owner, Result) or owner.pages:
            return OTHER
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return self.read(owner, join(owner.path, key.value))
        if owner.path and isinstance(key, ast.Slice):  # a slice of a list (or string) is the same member
            return owner
        if owner.path and isinstance(key, ast.Constant) and isinstance(key.value, int):
            return self.read(owner, owner.path + LIST)
        return OTHER

    def iterate(self, value: Value) -> Value:
        if isinstance(value, Result) and value.pages:
            return Result(value.call, "")
        if isinstance(value, Result) and value.path:
            return self.read(value, value.path + LIST)
        return OTHER

    def read(self, owner: Result, path: str) -> Result:
        if owner.call >= 0 and self.recording:
            self.reads[owner.call].append(path)
        return Result(owner.call, path)

    def call(self, node: ast.Call, scope: Scope) -> Value:
        func = self.expr(node.func, scope)
        for arg in node.args:
            self.expr(arg.value if isinstance(arg, ast.Starred) else arg, scope)
        for keyword in node.keywords:
            self.expr(keyword.value, scope)
        if isinstance(func, Ref):
            return self.constructor(func.name, node, scope)
        if isinstance(func, Function):
            return self.returned(func)
        if not isinstance(func, Bound):
            return OTHER
        owner, name = func.owner, func.name
        if isinstance(owner, Session):
            if (owner.kind, name) in (("boto3", "client"), ("botocore", "create_client")):
                return self.client(node, scope)
            return OTHER
        if isinstance(owner, Result):
            key = node.args[0] if node.args else None
            return self.subscript(owner, key) if key is not None else OTHER
        if isinstance(owner, Ambiguous):
            if _would_call(owner.kinds, name):
                self.unresolved_at(node, owner.reason)
            return OTHER
        if name.startswith("_") or name in _NOT_CALLS:
            return OTHER
        if isinstance(owner, Client) and name in HELPERS.get(owner.service, ()):
            return OTHER
        if isinstance(owner, Client):
            if name in ("get_paginator", "get_waiter"):
                named = self.name_argument(node, scope, "operation_name" if name == "get_paginator" else "waiter_name")
                if named is None:
                    kind = "paginator" if name == "get_paginator" else "waiter"
                    return Ambiguous(f"{name} name not a literal or constant", frozenset({kind}))
                return Paginator(owner.service, named) if name == "get_paginator" else Waiter(owner.service, named)
            return self.record(node, scope, owner.service, name, "client")
        if isinstance(owner, Paginator) and name == "paginate":
            result = self.record(node, scope, owner.service, owner.method, "paginator")
            return Result(result.call, "", pages=True) if isinstance(result, Result) else result
        if isinstance(owner, Waiter) and name == "wait":
            self.record(node, scope, owner.service, owner.name, "waiter")
        return OTHER

    def constructor(self, name: str, node: ast.Call, scope: Scope) -> Value:
        if name in _CLIENT_MAKERS:
            return self.client(node, scope)
        if name in _SESSIONS:
            return Session("boto3")
        if name in _BOTOCORE_SESSIONS:
            return Session("botocore")
        return OTHER

    def client(self, node: ast.Call, scope: Scope) -> Client | Ambiguous:
        service = self.name_argument(node, scope, "service_name")
        if service is None:
            return Ambiguous("service name not a literal or module-level constant", frozenset({"client"}))
        return Client(service)

    def name_argument(self, node: ast.Call, scope: Scope, keyword: str) -> str | None:
        """The string given as the first argument or as `keyword=`, if known statically."""
        given = node.args[0] if node.args and not isinstance(node.args[0], ast.Starred) else None
        given = next((k.value for k in node.keywords if k.arg == keyword), given)
        value = self.quiet(given, scope) if given is not None else None
        return value.value if isinstance(value, Lit) and isinstance(value.value, str) else None

    def record(self, node: ast.Call, scope: Scope, service: str, method: str, via: str) -> Value:
        if not self.recording:
            return Result(-1, "")
        line, col = self.position(node)
        if node.args:
            self.unresolved_at(node, POSITIONAL)
        payload: dict[Any, Any] = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                payload[SPREAD] = UNKNOWN
            else:
                payload[keyword.arg] = literal(keyword.value, lambda name: _constant(scope.lookup(name)))
        self.found.append((line, col, service, method, via, payload))
        self.reads.append([])
        return Result(len(self.found) - 1, "")

    def result(self) -> tuple[list[Call], list[Unresolved]]:
        calls = [
            Call(self.file, line, col, service, method, via, payload, _deepest(reads))
            for (line, col, service, method, via, payload), reads in zip(self.found, self.reads, strict=True)
        ]
        calls.sort(key=lambda c: (c.line, c.col, c.via))
        return calls, sorted(self.unresolved, key=lambda u: (u.line, u.col))


def _constant(value: Value) -> object:
    """A name in a payload: its value if bound to a literal constant (immutable), else UNKNOWN."""
    return value.value if isinstance(value, Lit) else UNKNOWN


def literal(node: ast.expr, constant: Callable[[str], object] = lambda name: UNKNOWN) -> Any:
    """A payload value as a nested literal structure: UNKNOWN where it is not a literal."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str | int | float | bool | None) else UNKNOWN
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = literal(node.operand, constant)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return -value if isinstance(node.op, ast.USub) else value
        return UNKNOWN
    if isinstance(node, ast.Dict):
        out: dict[Any, Any] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                out[key.value] = literal(value, constant)
            else:  # `**expr` or a computed key: other keys may be present
                out[SPREAD] = UNKNOWN
        return out
    if isinstance(node, ast.List | ast.Tuple):
        if any(isinstance(element, ast.Starred) for element in node.elts):
            return UNKNOWN
        return [literal(element, constant) for element in node.elts]
    if isinstance(node, ast.Name):
        return constant(node.id)
    return UNKNOWN


def _deepest(paths: list[str]) -> tuple[str, ...]:
    """The read paths no other read path extends (each implies its ancestors), in first-read order."""
    unique = list(dict.fromkeys(paths))
    return tuple(p for p in unique if not any(q != p and q.startswith(p) and q[len(p)] in ".[{" for q in unique))


def may_call_boto(text: str) -> bool:
    """Whether `text` names a module every client starts from (cheap: the finder walks only such files)."""
    return any(module in text for module in (*_MODULES, "_stubs"))


def scan_source(text: str, file: str) -> ScanResult:
    """The boto3 call sites of one module's source (a syntax error is one Unresolved, never an exception)."""
    lines = text.count("\n") + (not text.endswith("\n") and bool(text))
    try:
        tree = ast.parse(text, filename=file)
    except (SyntaxError, ValueError) as error:
        line = getattr(error, "lineno", None) or 1
        col = getattr(error, "offset", None) or 1
        message = getattr(error, "msg", str(error))
        return ScanResult([], [Unresolved(file, line, col, "syntax error", message)], 1, lines)
    if not may_call_boto(text):  # every client starts from an import of one of these
        return ScanResult([], [], 1, lines)
    finder = _Finder(text, file)
    module = Scope(None)
    finder.block(tree.body, module)
    finder.run_deferred(module)
    calls, unresolved = finder.result()
    return ScanResult(calls, unresolved, 1, lines)
