"""Print locust's CSV statistics as a table: per page, requests, failures, median, p95, p99 (ms), req/s."""

import csv
import sys

with open(sys.argv[1], encoding="utf-8") as handle:
    rows = list(csv.DictReader(handle))
print(f"{'trang':<28} {'số yêu cầu':>10} {'lỗi':>5} {'trung vị':>9} {'p95':>6} {'p99':>6} {'yêu cầu/s':>10}")
for row in rows:
    name = "Tổng" if row["Name"] == "Aggregated" else row["Name"]
    print(
        f"{name[:28]:<28} {row['Request Count']:>10} {row['Failure Count']:>5} {row['50%']:>9} {row['95%']:>6} "
        f"{row['99%']:>6} {format(float(row['Requests/s']), '.1f').replace('.', ','):>10}"
    )
