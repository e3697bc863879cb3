"""The package layout the design asks for: no import circles between modules (top-level or
deferred imports alike), so each module can be read and tested on its own."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _graph(package: str) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in (ROOT / package).glob("*.py"):
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == package:
                    deps |= {a.name for a in node.names}
                elif node.module.startswith(package + "."):
                    deps.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                deps |= {a.name.split(".")[1] for a in node.names
                         if a.name.startswith(package + ".")}
        graph[path.stem] = deps - {path.stem}
    return graph


def _cycles(graph):
    found = []
    for start in graph:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for dep in graph.get(node, ()):
                if dep == start:
                    found.append(path + [dep])
                elif dep not in path:
                    stack.append((dep, path + [dep]))
    return found


@pytest.mark.parametrize("package", ["search_app", "indexer", "analyzers"])
def test_no_import_circles(package):
    assert _cycles(_graph(package)) == []


def test_the_check_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()})
