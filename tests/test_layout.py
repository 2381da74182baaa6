"""The shape of the code: which app may import which."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(folder: str) -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / folder).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add((str(path.relative_to(ROOT)), node.module))
            elif isinstance(node, ast.Import):
                found.update((str(path.relative_to(ROOT)), alias.name) for alias in node.names)
    return found


def test_it_keeps_targets_free_of_reports():
    offending = {(path, module) for path, module in imported_modules("targets") if module.split(".")[0] == "reports"}
    assert offending == set()


def test_it_keeps_the_consolidated_report_in_its_own_package():
    outside = {
        (path, module)
        for path, module in imported_modules("reports")
        if not path.startswith("reports/consolidated/")
        and module.startswith("reports.consolidated")
        and path not in {"reports/models/__init__.py", "reports/urls.py"}
        and "/management/" not in path
    }
    assert outside == set()
    assert not (ROOT / "reports" / "consolidation.py").exists()
    assert not (ROOT / "reports" / "word.py").exists()
