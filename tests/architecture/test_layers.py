"""The house rules of the code, checked on the code itself: the layers of .importlinter hold and catch a
breach, no module imports another in a circle, and no import hides inside a function."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["config", "lib", "shelter", "accounts", "backups", "face", "tracing", "family", "oversight", "devtools",
            "notices", "exchange"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root):
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(root / ".importlinter")],
                          cwd=root, capture_output=True, text=True, stdin=subprocess.DEVNULL)


def copy_of_the_code(tmp_path):
    """The packages and the contracts, as they are, in a folder of their own (to break one on purpose)."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "locale", "templates", "static"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_layer_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_contracts(tmp_path):
    """The register importing tracing, as the old intake did: the lint fails and names the import."""
    root = copy_of_the_code(tmp_path)
    models = root / "shelter" / "models" / "__init__.py"
    models.write_text(models.read_text() + "\nimport tracing  # noqa: E402,F401\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "shelter.models -> tracing" in result.stdout


def test_a_model_importing_a_service_of_its_own_app_breaks_the_rooms(tmp_path):
    """Inside an app, a lower room (the models) may not reach up to a higher one (the services)."""
    root = copy_of_the_code(tmp_path)
    cases = root / "tracing" / "models" / "cases.py"
    cases.write_text(cases.read_text() + "\nfrom tracing import services  # noqa: E402,F401\n")
    result = lint_imports(root)
    assert result.returncode != 0 and "tracing.models.cases -> tracing.services" in result.stdout


def strongly_connected(graph, modules):
    """Tarjan's algorithm over the import graph: the groups of modules that import each other in a circle."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(module):
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
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            groups.append(group)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(modules):
        if module not in index:
            visit(module)
    return [group for group in groups if len(group) > 1]


def test_no_module_imports_another_in_a_circle():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    modules = {m for m in graph.modules if ".migrations" not in m}
    assert len(modules) > 80  # the whole project was read
    assert strongly_connected(graph, modules) == []


def test_the_cycle_check_finds_a_circle(tmp_path, monkeypatch):
    """The check itself: two modules importing each other are reported."""
    package = tmp_path / "circle"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from circle import b\n")
    (package / "b.py").write_text("from circle import a\n")
    (package / "c.py").write_text("from circle import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("circle", cache_dir=None)
    assert strongly_connected(graph, set(graph.modules)) == [{"circle.a", "circle.b"}]


def imports_inside_functions(path):
    """(line, function) of every import statement not at module level, except the ones Django itself
    needs deferred: AppConfig.ready(), and manage.py's main()."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if (path.name == "apps.py" and node.name == "ready") or (path.name == "manage.py" and node.name == "main"):
            continue
        found += [(sub.lineno, node.name) for sub in ast.walk(node) if isinstance(sub, (ast.Import, ast.ImportFrom))]
    return found


def project_files():
    for package in [*PACKAGES, "tests"]:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path
    yield ROOT / "manage.py"


def test_no_import_hides_inside_a_function():
    hidden = {str(p.relative_to(ROOT)): found for p in project_files() if (found := imports_inside_functions(p))}
    assert hidden == {}


def test_the_hidden_import_check_finds_one(tmp_path):
    module = tmp_path / "views.py"
    module.write_text("import os\n\n\ndef page():\n    from shelter import views\n    return views\n")
    assert imports_inside_functions(module) == [(5, "page")]
