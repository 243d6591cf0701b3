"""networkx views of the shape graph: operations point at their input/output nodes, nodes at
their children, so "which operations use this shape" is an ancestors query."""

from __future__ import annotations

import networkx as nx

from .nodes import child_edges
from .store import Store


def shape_graph(store: Store, service: str, at: str) -> nx.DiGraph:
    """The DAG of one service as of ``at``: ("op", name) nodes and shape-id nodes."""
    graph = nx.DiGraph()
    for version in store.state(service, at).values():
        op = ("op", version.operation)
        graph.add_node(op, kind="operation")
        for side, node in (("input", version.input), ("output", version.output)):
            if node is not None:
                graph.add_edge(op, node, label=side)
                _add_subtree(store, graph, node)
    return graph


def _add_subtree(store: Store, graph: nx.DiGraph, node: str) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if graph.nodes[current].get("kind"):
            continue
        graph.nodes[current]["kind"] = "shape"
        for label, child in child_edges(store.node(current)):
            graph.add_edge(current, child, label=label)
            stack.append(child)


def operations_using(graph: nx.DiGraph, node: str) -> list[str]:
    """Names of the operations whose input or output contains shape ``node``, sorted."""
    if node not in graph:
        return []
    return sorted(n[1] for n in nx.ancestors(graph, node) if isinstance(n, tuple) and n[0] == "op")
