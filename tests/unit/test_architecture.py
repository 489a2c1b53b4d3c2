"""The house rules, checked on the source tree (docs/architecture.md explains them).

- no import cycles, counting imports inside functions;
- no module over 500 lines; the app shell (wirewatch/) at most 35% of the code;
- the stage packages (producers/, consumers/) import no I/O library and nothing from the app shell
  or the benchmarks;
- only wirewatch/settings.py reads the environment.
"""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("wirewatch", "producers", "consumers", "schemas", "bench")
STAGE_PACKAGES = ("producers", "consumers")
IO_LIBRARIES = {"kafka", "sqlalchemy", "alembic", "psycopg", "smtplib", "httpx", "httpcore", "urllib3",
                "requests", "prometheus_client", "wirewatch", "bench"}
MAX_LINES = 500
SHELL_SHARE = 0.35


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(name: str, path: Path) -> list[tuple[str, int]]:
    """(imported name, line) for every import statement, at any depth (functions included)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                package = package[:len(package) - node.level + 1]
                base = ".".join(package + ([base] if base else []))
            for alias in node.names:
                # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod.
                submodule = f"{base}.{alias.name}"
                out.append((submodule if submodule in modules() else base, node.lineno))
    return out


def project_target(imported: str) -> str | None:
    """The project module an import loads: itself, or the nearest enclosing module."""
    while imported and imported not in modules():
        imported = imported.rpartition(".")[0]
    return imported or None


@cache
def import_graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in modules().items():
        targets = {project_target(imported) for imported, _ in imports_of(name, path)}
        graph[name] = {t for t in targets if t and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    found = cycles(import_graph())
    graph = import_graph()
    described = ["  " + " <-> ".join(c) + "\n    " + "\n    ".join(
        f"{m} imports {', '.join(sorted(graph[m] & set(c)))}" for m in c) for c in found]
    assert not found, "import cycles (imports inside functions count):\n" + "\n".join(described)


def test_no_module_is_over_500_lines():
    paths = list(modules().values()) + sorted((ROOT / "tests").rglob("*.py"))
    long = {str(p.relative_to(ROOT)): n for p in paths
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these by responsibility (limit {MAX_LINES} lines): {long}"


def code_lines(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.lstrip().startswith("#"))


def test_the_app_shell_is_at_most_35_percent_of_the_code():
    per_package = {p: sum(code_lines(path) for name, path in modules().items() if name.split(".")[0] == p)
                   for p in PACKAGES}
    share = per_package["wirewatch"] / sum(per_package.values())
    assert share <= SHELL_SHARE, f"wirewatch/ holds {share:.0%} of the code lines: {per_package}"


def test_stage_packages_import_no_io_library_nor_the_shell_nor_the_benchmarks():
    offending = []
    for name, path in modules().items():
        if name.split(".")[0] not in STAGE_PACKAGES:
            continue
        for imported, line in imports_of(name, path):
            if imported.split(".")[0] in IO_LIBRARIES:
                offending.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert not offending, "pure stages take ports instead:\n" + "\n".join(sorted(set(offending)))


def test_only_settings_reads_the_environment():
    allowed = {ROOT / "wirewatch" / "settings.py"}
    offending = []
    for name, path in modules().items():
        if path in allowed or name.split(".")[0] == "bench":  # the harness sets up its own child processes
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "putenv", "environb"}
                    and isinstance(node.value, ast.Name) and node.value.id == "os"):
                offending.append(f"{path.relative_to(ROOT)}:{node.lineno} os.{node.attr}")
    assert not offending, "read configuration through wirewatch.settings:\n" + "\n".join(offending)


def test_every_file_the_architecture_guide_names_exists():
    import re

    guide = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:wirewatch|producers|consumers|schemas|bench|tests|docs)/[\w/.-]*)`", guide))
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert not missing, f"docs/architecture.md names files that do not exist: {missing}"
