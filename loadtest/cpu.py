"""CPU seconds the server has used so far: gunicorn's workers plus the PostgreSQL backends of the load
test's database, and the requests gunicorn has logged. Printed as `web database requests`; run.sh takes two
readings and divides, which gives the server's cost per request whatever else the machine is doing, and how much
of it is Python's (gunicorn) and how much PostgreSQL's. A process that ended between the readings (a database
connection closed after DATABASE_CONN_MAX_AGE, a worker restarted) is counted too: its CPU is in its parent's
count of the children it has reaped (gunicorn's master, PostgreSQL's postmaster: of every database, so measure on
a quiet machine), read with the live ones."""

import os
import subprocess
import sys

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> list[str]:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return []


def cpu_seconds(pid: str) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICK if fields else 0.0  # utime + stime


def reaped_seconds(pid: str) -> float:
    """The CPU of the children `pid` has waited for: those that ended."""
    fields = _stat(pid)
    return (int(fields[13]) + int(fields[14])) / TICK if fields else 0.0  # cutime + cstime


def main(master: str, database: str, access_log: str) -> None:
    workers = subprocess.run(["pgrep", "-P", master], capture_output=True, text=True).stdout.split()
    query = f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'"
    backends = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-Atc", query], capture_output=True, text=True
    ).stdout.split()
    postmaster = _stat(backends[0])[1] if backends and _stat(backends[0]) else ""  # the backends' parent
    with open(access_log, encoding="utf-8") as log:
        requests = sum(1 for _ in log)
    web = sum(map(cpu_seconds, workers)) + reaped_seconds(master)
    db = sum(map(cpu_seconds, backends)) + (reaped_seconds(postmaster) if postmaster else 0.0)
    print(f"{web:.2f} {db:.2f} {requests}")


if __name__ == "__main__":
    main(*sys.argv[1:])
