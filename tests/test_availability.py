"""/healthz for the containers' health checks, and a Vietnamese 503 while the database is down."""

import json
from pathlib import Path

import pytest
import yaml
from django.db import OperationalError
from django.test import Client


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


def test_healthz_reports_every_part_without_login(db, anonymous):
    response = anonymous.get("/healthz")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "cache", "storage"}
    assert body["checks"]["broker"] in ("ok", "not_used")  # not_used: jobs run in-process (embedded mode)


def test_healthz_answers_whatever_host_the_container_calls_it_by(db, settings):
    settings.ALLOWED_HOSTS = ["baocao.binhson.quangngai.gov.vn"]
    assert Client().get("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 200
    assert Client(raise_request_exception=False).get("/", HTTP_HOST="127.0.0.1:8000").status_code == 400


def test_healthz_says_which_part_is_down_and_nothing_else(db, anonymous, settings, monkeypatch, tmp_path):
    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "10.1.2.3", port 5432 failed: password=bí-mật')

    settings.MEDIA_ROOT = tmp_path / "not-a-folder"
    settings.MEDIA_ROOT.write_text("a file where the folder should be")
    with monkeypatch.context() as patch:  # undone before the test database is torn down
        patch.setattr("binhson_plan.availability.connection.cursor", refused)
        response = anonymous.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["checks"] | {"broker": "-"} == {
        "database": "error", "broker": "-", "cache": "ok", "storage": "error"
    }  # fmt: skip
    text = response.content.decode()
    for secret in ("10.1.2.3", "bí-mật", "password", str(tmp_path), settings.DATABASES["default"]["NAME"]):
        assert secret not in text and json.dumps(secret)[1:-1] not in text


def test_a_page_answers_503_maintenance_when_the_database_is_down(anonymous, plan, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("targets.views.get_object_or_404", down)
    response = anonymous.get(f"/cong-khai/{plan.slug}/")
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "Hệ thống đang bảo trì" in response.content.decode()


def test_an_outage_met_before_the_view_is_also_a_503(plan, cast, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(cast["vanphong"])

    def down(self, *args, **kwargs):
        raise OperationalError("the database system is starting up")

    # The session is read by the login requirement, before any view runs.
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", down)
    response = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/")
    assert response.status_code == 503 and "đang bảo trì" in response.content.decode()


def test_other_errors_are_still_a_500(anonymous, plan, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("targets.views.get_object_or_404", broken)
    response = anonymous.get(f"/cong-khai/{plan.slug}/")
    assert response.status_code == 500 and "Hệ thống gặp sự cố" in response.content.decode()


def test_the_containers_health_check_is_healthz():
    compose = yaml.safe_load((Path(__file__).resolve().parent.parent / "docker-compose.yml").read_text())
    assert compose["services"]["web"]["healthcheck"]["test"] == ["CMD", "curl", "-fsS", "http://127.0.0.1:8000/healthz"]


@pytest.mark.parametrize(
    "caller",
    [
        {"REMOTE_ADDR": "192.0.2.10"},  # a load balancer, or anyone on the intranet
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.10"},  # anyone, through the proxy
    ],
)
def test_healthz_tells_other_callers_only_up_or_down(db, anonymous, settings, monkeypatch, tmp_path, caller):
    """Issue 17, second probe: the parts and their states were given to any anonymous caller."""
    assert anonymous.get("/healthz", **caller).json() == {"status": "ok"}
    settings.MEDIA_ROOT = tmp_path / "not-a-folder"
    settings.MEDIA_ROOT.write_text("a file where the folder should be")
    response = anonymous.get("/healthz", **caller)
    assert response.status_code == 503 and response.json() == {"status": "error"}
