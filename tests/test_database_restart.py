"""A PostgreSQL restart under a running gunicorn: no request fails afterwards (CONN_HEALTH_CHECKS), and
while the server is down pages answer 503 "đang bảo trì", /healthz says the database is down.

A throw-away cluster (initdb + pg_ctl on a private port, STACK.md) so the restart touches nothing else."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SLUG = "binh-son-ctdt-2021-2030"


def _postgres_bin(name):
    found = shutil.which(name)
    if found:
        return found
    try:
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    candidate = Path(bindir) / name
    return str(candidate) if candidate.exists() else None


INITDB, PG_CTL = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
pytestmark = pytest.mark.skipif(
    not (INITDB and PG_CTL) and os.environ.get("CI_EXPECT_DATABASE") != "postgresql",
    reason="needs PostgreSQL's server programs (initdb, pg_ctl), as CI has",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A private PostgreSQL: its own folder, socket and port, run as `postgres` when we are root."""

    def __init__(self, base: Path):
        self.base, self.data, self.port = base, base / "data", free_port()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(base, "postgres")
        self._run(INITDB, "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale", "C.UTF-8")
        self.start()

    def _run(self, *command):
        # No pipes: a server started here would hold them open for its whole life.
        subprocess.run([*self.as_owner, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=120)  # fmt: skip

    def start(self):
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1"
        self._run(PG_CTL, "-D", str(self.data), "-o", options, "-l", str(self.base / "server.log"), "-w", "start")

    def stop(self):
        self._run(PG_CTL, "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self):
        self.stop()
        self.start()

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/binhson"


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def portal(tmp_path_factory):
    """gunicorn with DEBUG off and one worker (so one connection is kept across requests), on the cluster."""
    base = Path(tempfile.mkdtemp(prefix="binhson-pg-"))  # not under pytest's folder: `postgres` must reach it
    cluster = Cluster(base)
    work = tmp_path_factory.mktemp("portal")
    env = os.environ | {
        "DEBUG": "0", "SECRET_KEY": "restart-drill-" + "x" * 40, "DATABASE_URL": cluster.url,
        "DATABASE_CONN_MAX_AGE": "600", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(work / "static"), "MEDIA_ROOT": str(work / "media"), "CELERY_BROKER_URL": "",
        "CACHE_URL": "",
    }  # fmt: skip
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "-qc", "CREATE DATABASE binhson"],
        check=True,
        capture_output=True,
    )
    for command in (["migrate", "--noinput"], ["load_plan"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    (work / "gunicorn.conf.py").write_text("")
    port = free_port()
    log = open(work / "gunicorn.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(work / "gunicorn.conf.py"), "binhson_plan.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if get(f"{base_url}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        yield base_url, cluster, work / "gunicorn.log"
    finally:
        server.terminate()
        server.wait(20)
        try:
            cluster.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(base, ignore_errors=True)


PAGES = ["/api/plans/", f"/api/plans/{SLUG}/progress/?year=2025", f"/cong-khai/{SLUG}/", "/healthz"]


def test_no_request_fails_after_a_restart_and_an_outage_is_a_503(portal):
    base_url, cluster, log = portal
    assert [get(base_url + page)[0] for page in PAGES] == [200] * len(PAGES), log.read_text()[-3000:]
    cluster.restart()  # the worker's kept connection is now dead
    assert [get(base_url + page)[0] for page in PAGES] == [200] * len(PAGES), log.read_text()[-3000:]
    cluster.stop()
    for page in PAGES[:3]:
        status, body = get(base_url + page)
        assert status == 503 and "Hệ thống đang bảo trì" in body, (page, status, body[:300])
    status, body = get(base_url + "/healthz")
    assert status == 503 and '"database": "error"' in body
    cluster.start()
    assert [get(base_url + page)[0] for page in PAGES] == [200] * len(PAGES), log.read_text()[-3000:]
