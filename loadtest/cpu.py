"""CPU seconds the server has used so far: gunicorn's workers plus the PostgreSQL backends of the load
test's database, and the requests gunicorn has logged. Printed as `web database requests`; run.sh takes two
readings and divides, which gives the server's cost per request whatever else the machine is doing, and how much
of it is Python's (gunicorn) and how much PostgreSQL's."""

import os
import subprocess
import sys

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: str) -> float:
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def main(master: str, database: str, access_log: str) -> None:
    workers = subprocess.run(["pgrep", "-P", master], capture_output=True, text=True).stdout.split()
    query = f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'"
    backends = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-Atc", query], capture_output=True, text=True
    ).stdout.split()
    with open(access_log, encoding="utf-8") as log:
        requests = sum(1 for _ in log)
    print(f"{sum(map(cpu_seconds, workers)):.2f} {sum(map(cpu_seconds, backends)):.2f} {requests}")


if __name__ == "__main__":
    main(*sys.argv[1:])
