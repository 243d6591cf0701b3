"""The ``.py`` beside a ``.pyi``: the same module, made to run, as mypy-boto3 ships them.

Type checkers read the ``.pyi``; the interpreter imports the ``.py``, so ``from pkg.type_defs import X``
works outside ``TYPE_CHECKING`` too. A stub is valid Python already; what stops it running is order
(a stub may name what it defines later, or itself) and a few expressions that only type checkers
understand. The twin postpones annotations (PEP 563) and rewrites what runs eagerly, the values of
assignments and the bases of classes: a local name not defined yet becomes a string forward reference,
``a | b`` becomes ``typing.Union[a, b]`` (a string has no ``|``), and a class imported from outside the
standard typing modules and subscripted (botocore's ``EventStream[X]``, ``Paginator[X]``: generic in
botocore-stubs only) becomes a forward reference, or as a base loses its subscript. Nothing is
evaluated here: the stub is parsed and written back.
"""

from __future__ import annotations

import ast

_TYPING = "_typing"  # the twin's own import: no generated name starts with "_t"
_GENERIC_AT_RUN_TIME = frozenset({"typing", "typing_extensions", "collections.abc", "builtins"})


def runtime_twin(stub: str) -> str:
    """The source of the runtime module for the stub module ``stub``."""
    tree = ast.parse(stub)
    docstring = tree.body[:1] if tree.body and _is_docstring(tree.body[0]) else []
    body = [node for node in tree.body[len(docstring) :] if not _is_future(node)]
    local = {name for node in body for name in _defines(node)}
    modules: dict[str, str] = {}  # imported name -> its module
    defined: set[str] = set()
    for node in body:
        if isinstance(node, ast.ImportFrom):
            modules |= {alias.asname or alias.name: "." * node.level + (node.module or "") for alias in node.names}
        pending = local - defined
        if isinstance(node, ast.ClassDef):
            node.bases = [_eager(_runtime_base(base, modules), pending, modules) for base in node.bases]
            node.decorator_list = [_eager(d, pending, modules) for d in node.decorator_list]
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            node.value = _eager(node.value, pending, modules)
        defined |= _defines(node)
    header = [
        ast.ImportFrom("__future__", [ast.alias("annotations")], 0),
        ast.Import([ast.alias("typing", _TYPING)]),
    ]
    module = ast.Module([*docstring, *header, *body], [])
    return ast.unparse(ast.fix_missing_locations(module)) + "\n"


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _is_future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def _defines(node: ast.stmt) -> set[str]:
    """The module-level names a statement binds."""
    if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    return set()


def _runtime_base(base: ast.expr, modules: dict[str, str]) -> ast.expr:
    """``Paginator[X]`` -> ``Paginator``: a base cannot be a forward reference."""
    return base.value if isinstance(base, ast.Subscript) and _foreign_generic(base, modules) else base


def _foreign_generic(node: ast.Subscript, modules: dict[str, str]) -> bool:
    """A subscript of a class imported from outside the standard typing modules (botocore's
    ``EventStream``, ``Paginator``: generic in botocore-stubs only)."""
    if not isinstance(node.value, ast.Name) or node.value.id not in modules:
        return False
    return modules[node.value.id] not in _GENERIC_AT_RUN_TIME


class _Eager(ast.NodeTransformer):
    def __init__(self, pending: set[str], modules: dict[str, str]) -> None:
        self.pending = pending
        self.modules = modules

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return ast.Constant(node.id) if node.id in self.pending else node

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        if _foreign_generic(node, self.modules):  # EventStream[X]: a forward reference, never evaluated
            return ast.Constant(ast.unparse(node))
        return self.generic_visit(node)  # type: ignore[return-value]

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        if not isinstance(node.op, ast.BitOr):
            return self.generic_visit(node)  # type: ignore[return-value]
        members = [self.visit(member) for member in _union_members(node)]
        union = ast.Attribute(ast.Name(_TYPING, ast.Load()), "Union", ast.Load())
        return ast.Subscript(union, ast.Tuple(members, ast.Load()), ast.Load())


def _union_members(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return [*_union_members(node.left), *_union_members(node.right)]
    return [node]


def _eager(expr: ast.expr, pending: set[str], modules: dict[str, str]) -> ast.expr:
    """``expr`` as it can run before the names in ``pending`` exist."""
    result: ast.expr = _Eager(pending, modules).visit(expr)
    return result
