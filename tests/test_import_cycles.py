"""No import cycle anywhere in the project, counting the imports written inside functions.

import-linter's contracts (`make lint`) read module-level imports only; a cycle hidden in a
function body (a service importing the tasks module that imports the service) is still a cycle a
reader has to untangle, so this walks every `import` statement of every module."""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("academy", "courses", "learn", "teach")


def module_files() -> dict[str, Path]:
    """Every project module by dotted name (a package by its own name, not `.__init__`)."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # written by makemigrations, importing only models
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported_names(source: str, module: str, is_package: bool) -> Iterator[str]:
    """Dotted names this module's import statements ask for, wherever they are written."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (a name from a module counts as the module)."""
    files = module_files()
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets = set()
        source = path.read_text()
        for name in imported_names(source, module, path.name == "__init__.py"):
            while name and name not in files:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_function_level_imports():
    """The graph is read from the source, function bodies included: a module importing another
    only inside a function still has the edge."""
    source = "def f():\n    from courses.models import Course\n    from . import tasks\n"
    names = set(imported_names(source, "courses.services.certificates", is_package=False))
    assert {"courses.models", "courses.services.tasks"} <= names


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_no_import_cycle_in_the_project():
    found = cycles(import_graph())
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(sorted(c)) for c in found)
