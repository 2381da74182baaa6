"""Check that workbooks open cleanly: no formula anywhere (raw sheet XML and openpyxl), and, when
LibreOffice is installed, that it opens every sheet and converts it to CSV.

    .venv/bin/python scripts/check_xlsx.py media/bao-cao-tong-hop/…/bao-cao-tong-hop-2026-ban-1.xlsx …

Prints each sheet's size and its first rows as LibreOffice shows them; exits 1 on the first problem.
Not part of the test suite (LibreOffice is ~260 MB): a tool for a reviewer's machine."""

import csv
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from openpyxl import load_workbook

FORMULA = re.compile(rb"<(\w+:)?f[\s>/]")


def check(path: Path) -> list[str]:
    problems = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and FORMULA.search(archive.read(name)):
                problems.append(f"{name}: có công thức (<f>)")
    book = load_workbook(path)
    for sheet in book:
        formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
        if formulas:
            problems.append(f"{sheet.title}: ô công thức {', '.join(formulas[:5])}")
        print(f"  {sheet.title}: {sheet.max_row} dòng × {sheet.max_column} cột, lọc {sheet.auto_filter.ref}")
    return problems + _libreoffice(path, book.sheetnames)


def _libreoffice(path: Path, sheets: list[str]) -> list[str]:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("  (không có LibreOffice: bỏ qua bước mở bằng LibreOffice)")
        return []
    with tempfile.TemporaryDirectory() as directory:
        # every sheet (-1), UTF-8, cells as shown (so dates appear as the user sees them)
        options = "44,34,76,1,,0,false,true,true,false,false,-1"
        result = subprocess.run(
            [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{directory}/profile",
             "--convert-to", f"csv:Text - txt - csv (StarCalc):{options}", "--outdir", directory, str(path)],
            capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
        written = sorted(Path(directory).glob("*.csv"))
        if result.returncode or len(written) != len(sheets):
            return [f"LibreOffice không mở được: {result.stdout} {result.stderr}".strip()]
        for output in written:
            with output.open(encoding="utf-8") as handle:
                rows = list(csv.reader(handle))
            print(f"  LibreOffice {output.name}: {len(rows)} dòng")
            for row in rows[:3] + rows[-1:]:
                print("    " + " | ".join(cell[:40] for cell in row))
    return []


def main(paths: list[str]) -> int:
    for name in paths:
        print(name)
        problems = check(Path(name))
        for problem in problems:
            print(f"  LỖI: {problem}")
        if problems:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
