"""What the benchmark commands measure of a page: its median server time over runs, and its number of queries."""

import statistics
import time

from django.db import connection


def measure(client, urls: dict[str, str], runs: int) -> dict[str, tuple[float, int]]:
    """Name → (median milliseconds over `runs` GETs, queries of one GET), each page warmed first (caches, the
    year's cycle); every answer must be 200."""
    results = {}
    for name, url in urls.items():
        client.get(url)
        queries = []

        def count(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            client.get(url)
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        results[name] = (statistics.median(timings), len(queries))
    return results
