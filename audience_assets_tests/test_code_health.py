"""Code health the import contract cannot state: no private name (a leading underscore)
used across modules, and no import circle between the package's modules."""

from __future__ import annotations

import ast
import gc
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parents[1]
ROOTS = ("audience_assets", "audience_lab")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def is_module(dotted: str) -> bool:
    base = REPO.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def absolute(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = here.split(".") if is_package else here.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def private_uses(path: Path, here: str | None = None) -> list[str]:
    """`from other import _name` and `other_module._name`, as `file:line: name`."""
    here = here or module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    shown = str(path.relative_to(REPO)) if path.is_relative_to(REPO) else path.name
    modules: dict[str, str] = {}  # local name -> project module it stands for
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = absolute(node, here, path.name == "__init__.py")
            if not source.startswith(ROOTS):
                continue
            for alias in node.names:
                if is_private(alias.name) and source != here:
                    found.append(f"{shown}:{node.lineno}: "
                                 f"{source}.{alias.name}")
                if is_module(f"{source}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(ROOTS) and alias.asname:
                    modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and is_private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in modules
                and modules[node.value.id] != here):
            found.append(f"{shown}:{node.lineno}: "
                         f"{modules[node.value.id]}.{node.attr}")
    return found


def test_no_private_name_is_used_across_modules() -> None:
    # No garbage collection while the files are parsed: a finalizer left by an earlier
    # test (an SQLite connection closed under SQLAlchemy) that prints its traceback runs
    # ast.parse (3.11 traceback carets) inside ours, and CPython 3.11.7 then fails with
    # "AST constructor recursion depth mismatch" (seen after drafting/test_assets.py).
    gc.collect()
    gc.disable()
    try:
        uses = [use for root in ROOTS for path in sorted((REPO / root).rglob("*.py"))
                for use in private_uses(path)]
    finally:
        gc.enable()
    assert uses == [], "make the name public (no underscore) or keep it in its module"


def test_the_checker_sees_both_forms(tmp_path: Path) -> None:
    """The checker above is itself checked: both forms it looks for are found."""
    probe = tmp_path / "probe.py"
    probe.write_text("from audience_assets.sql.migrate import _PG_LOCK_KEY\n"
                     "from audience_assets.review import state\n"
                     "x = state._hidden\n")
    assert private_uses(probe, here="audience_assets.probe") == [
        "probe.py:1: audience_assets.sql.migrate._PG_LOCK_KEY",
        "probe.py:3: audience_assets.review.state._hidden"]


def import_circles(package: str) -> list[list[str]]:
    """Strongly connected groups of more than one module in the package's import graph
    (every import, those under TYPE_CHECKING and inside functions included)."""
    graph = grimp.build_graph(package, cache_dir=None)
    modules = {m for m in graph.modules if m.startswith(package)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in modules:
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return circles


def test_no_import_circles() -> None:
    assert import_circles("audience_assets") == []
    assert import_circles("audience_lab") == []


# Modules are split by concern at about 450 lines; this is the hard stop that keeps one
# from growing back into several concerns unnoticed.
MAX_MODULE_LINES = 500


def test_no_module_is_over_the_line_limit() -> None:
    long = {str(path.relative_to(REPO)): n for root in ROOTS
            for path in sorted((REPO / root).rglob("*.py"))
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}, "split these modules by concern"
