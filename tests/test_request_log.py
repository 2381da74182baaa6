"""The log of refused requests: one line for a 403 (method, path, user, status), not Django's 13-line
traceback, so a scan of ids does not fill the log; a 500 keeps its traceback."""

import logging

from django.test import Client

from tests.reports.helpers import current_report


def written(caplog, status: int) -> list[str]:
    """What the console handler writes for the django.request records of `status`, one text each."""
    formatter = logging.Formatter()
    return [
        formatter.format(record)
        for record in caplog.records
        if record.name == "django.request" and getattr(record, "status_code", None) == status
    ]


def test_a_refused_report_is_one_line_in_the_log(client, cast, plan, caplog):
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.binhan"])
    with caplog.at_level(logging.INFO):
        assert client.get(f"/ke-hoach/binh-son-ctdt-2021-2030/bao-cao/{report.pk}/").status_code == 403
    (line,) = written(caplog, 403)
    assert "\n" not in line and "Traceback" not in line
    assert f"GET /ke-hoach/binh-son-ctdt-2021-2030/bao-cao/{report.pk}/" in line
    assert f"user {cast['canbo.binhan'].pk}" in line and "403" in line


def test_a_server_error_keeps_its_traceback(plan, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("hỏng thử")

    monkeypatch.setattr("targets.views.get_object_or_404", broken)
    with caplog.at_level(logging.INFO):
        assert Client(raise_request_exception=False).get(f"/cong-khai/{plan.slug}/").status_code == 500
    (text,) = written(caplog, 500)
    assert "Traceback" in text and "RuntimeError: hỏng thử" in text
