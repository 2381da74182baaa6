"""The import contract (issue 18 point 2): the apps are layers, each importing only those below it, and no module
imports, even through others, a module that imports it. Every import counts, at any depth: an import inside a
function, written to dodge a circle, is the circle still.

The layers, bottom to top, are LAYERS. A new app goes in the list where it sits (the coming province app on top),
and a module below it that imports it fails here. The root URLconf, settings and the Celery and server entry
points wire the apps together and are exempt (EXEMPT). What agencies/ must tell the apps above it, it sends as a
signal (agencies/signals.py); their receivers are connected in their AppConfig.ready()."""

import ast
import textwrap
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["binhson_plan", "agencies", "tasks", "targets", "reports", "operations", "province"]  # bottom to top
EXEMPT = {f"binhson_plan.{name}" for name in ("settings", "urls", "celery", "wsgi", "asgi")}
BELOW_REPORTS = ["binhson_plan", "agencies", "tasks", "targets"]  # the issue's own words, beside the layers


def find_modules(root: Path, packages) -> dict[str, Path]:
    """Every module of the packages under `root` (migrations aside) by its dotted name."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def import_graph(root: Path, packages) -> dict[str, dict[str, int]]:
    """Which modules of the packages each module imports, at any depth in its code (inside functions, classes,
    `if` blocks alike), with the line of the first such import: {importer: {imported: line}}. `from a import b`
    counts as importing the module a.b where there is one, else a."""
    modules = find_modules(root, packages)

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = defaultdict(dict)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                wanted = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, *([node.module] if node.module else [])])
                wanted = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
            else:
                continue
            for target in filter(None, map(resolve, wanted)):
                if target != name:
                    graph[name].setdefault(target, node.lineno)
    return graph


def circles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The import circles: each set of modules that import one another, through any path (Tarjan's strongly
    connected components of more than one module), sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.get(module, {}):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while not component or component[-1] != module:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(found)


def app_of(module: str) -> str:
    return module.partition(".")[0]


def upward(graph, layers, exempt=frozenset()) -> list[str]:
    """Every import of a module of a higher layer, but from the exempt modules, as "importer:line -> imported"."""
    rank = {app: n for n, app in enumerate(layers)}
    return [
        f"{importer}:{line} -> {imported}"
        for importer, imports in sorted(graph.items())
        if importer not in exempt
        for imported, line in sorted(imports.items())
        if rank[app_of(imported)] > rank[app_of(importer)]
    ]


@pytest.fixture(scope="module")
def graph():
    return import_graph(ROOT, LAYERS)


def test_every_app_of_the_project_has_a_layer():
    """An app of this repository left out of LAYERS would escape the contract, and so would imports of it."""
    own = {app.partition(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.partition(".")[0]).is_dir()}
    assert own | {"binhson_plan"} <= set(LAYERS), f"add to LAYERS, where it sits: {sorted(own - set(LAYERS))}"


def test_no_module_is_in_an_import_circle(graph):
    assert circles(graph) == []


def test_nothing_below_reports_imports_reports(graph):
    found = [
        f"{importer}:{line} -> {imported}"
        for importer, imports in sorted(graph.items())
        if app_of(importer) in BELOW_REPORTS and importer not in EXEMPT
        for imported, line in sorted(imports.items())
        if app_of(imported) == "reports"
    ]
    assert found == []


def test_no_app_imports_an_app_above_it(graph):
    assert upward(graph, LAYERS, EXEMPT) == []


def test_agencies_imports_nothing_above_it(graph):
    """agencies/ is the first app: it imports itself and binhson_plan's plain modules only, and tells the apps above
    it what happened by its signals (agencies/signals.py)."""
    imported = {
        imported
        for importer, imports in graph.items()
        if app_of(importer) == "agencies"
        for imported in imports
        if app_of(imported) != "agencies"
    }
    assert {app_of(m) for m in imported} <= {"binhson_plan"}
    assert imported.isdisjoint(EXEMPT)


# The contract's own checks, on code planted for them: it must fail where it should, or it passes for nothing.


def plant(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_contract_finds_a_circle_dodged_by_an_import_inside_a_function(tmp_path):
    plant(tmp_path, {
        "low/__init__.py": "",
        "low/one.py": """\
            def late():
                from low.two import helper

                return helper()
        """,
        "low/two.py": "from low import one\n\n\ndef helper():\n    return one\n",
        "low/three.py": "from . import two  # a relative import of a module that is in no circle\n",
    })  # fmt: skip
    graph = import_graph(tmp_path, ["low"])
    assert graph["low.one"] == {"low.two": 2}
    assert circles(graph) == [["low.one", "low.two"]]


def test_the_contract_finds_an_upward_import_inside_a_function_and_a_relative_one(tmp_path):
    plant(tmp_path, {
        "low/__init__.py": "",
        "low/calls_up.py": "def late():\n    from high.pages import page\n\n    return page\n",
        "low/wiring.py": "import high.pages\n",
        "high/__init__.py": "",
        "high/pages.py": "from ..low import calls_up\n\npage = calls_up\n",
    })  # fmt: skip
    graph = import_graph(tmp_path, ["low", "high"])
    assert upward(graph, ["low", "high"]) == ["low.calls_up:2 -> high.pages", "low.wiring:1 -> high.pages"]
    assert upward(graph, ["low", "high"], exempt={"low.wiring"}) == ["low.calls_up:2 -> high.pages"]
    assert upward(graph, ["high", "low"]) == ["high.pages:1 -> low.calls_up"]
    assert circles(graph) == [["high.pages", "low.calls_up"]]
