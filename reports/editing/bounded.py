"""What an uploaded file holds, read in a process of its own with a CPU time and a memory limit (issue 17, 24th
probe): however a file is made (60 MB of names in a 61 kB PDF, 17 million hyperlink arguments in a 364 kB .docx), the
reading of it is stopped at EVIDENCE_CHECK_CPU_SECONDS and EVIDENCE_CHECK_MEMORY_MB, and the file refused as too
complex, while the server's worker waits on a pipe and serves again at once. Limits of the whole reading cover every
way to be slow, where counting elements, tokens or bytes covers only the ways one has thought of.

The parent sends the file on standard input and reads one line of JSON back: run as a script, this file imports only
the two readers beside it (office_macros.py, pdf_actions.py) and Pillow for pictures, not Django."""

import json
import logging
import subprocess
import sys
from pathlib import Path

logger = logging.getLogger(__name__)
TOO_COMPLEX = {"error": "complex"}


def inspect(kind: str, data: bytes, cpu_seconds: int, memory_mb: int) -> dict:
    """The readers' verdict on `data` (`kind`: "ooxml", "ole", "pdf" or "image"): a dict of what they found, or
    {"error": "complex"} when the reading ran out of time or memory, {"error": "unreadable"} when it does not open.
    Everything that opens the file is done here, the container's own structure included: an Office package's
    {"damage": …} (office_macros.zip_damage), an OLE file's {"kind": …} (Word or Excel, or "" for neither); an Office
    package's {"imports": …} when it brings in another file's content (office_macros.ooxml_imports), read first."""
    command = [sys.executable, "-I", str(Path(__file__)), kind, str(cpu_seconds), str(memory_mb)]
    try:
        # wall time too: CPU time stops nothing while the machine is busy with others
        done = subprocess.run(command, input=data, capture_output=True, timeout=4 * cpu_seconds + 5, check=False)
    except subprocess.TimeoutExpired:
        return TOO_COMPLEX
    if done.returncode != 0:  # killed at its CPU limit (SIGXCPU, SIGKILL), or out of memory
        logger.warning(
            "Đọc tệp tải lên bị dừng (mã %s): %s", done.returncode, done.stderr[-500:].decode(errors="replace")
        )
        return TOO_COMPLEX
    return json.loads(done.stdout)


def _verdict(kind: str, data: bytes) -> dict:
    import io
    import zipfile

    import office_macros
    import pdf_actions

    try:
        if kind == "ooxml":
            budget = office_macros.Budget()
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if damage := office_macros.zip_damage(archive):
                    return {"damage": damage}
                if imports := office_macros.ooxml_imports(archive, budget):  # another file's content (29th probe)
                    return {"imports": imports, "part": "", "outside": ""}
                part = office_macros.ooxml_code(archive, budget)
                return {"part": part, "outside": "" if part else office_macros.ooxml_outside(archive, budget)}
        if kind == "ole":
            upload = io.BytesIO(data)
            if not (ole_kind := office_macros.ole_kind(upload)):
                return {"kind": ""}
            runs = "macro" if office_macros.ole_has_macros(upload) else office_macros.ole_runs(upload)
            return {"kind": ole_kind, "runs": runs}
        if kind == "image":
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                image.verify()  # its chunks or markers walked (28th probe: 800 000 empty PNG chunks took 7 s)
            return {"image": True}
        return {"active": pdf_actions.active_content(data)}
    except office_macros.TooComplex:
        return TOO_COMPLEX
    except MemoryError:
        return TOO_COMPLEX
    except Exception:  # Unreadable, a member that does not unpack, a broken container
        return {"error": "unreadable"}


def _child() -> None:
    import resource

    kind, cpu_seconds, memory_mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    sys.stdout.write(json.dumps(_verdict(kind, sys.stdin.buffer.read())))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))  # -I leaves the script's folder out: the two readers are there
    _child()
