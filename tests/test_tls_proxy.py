"""deploy/nginx.conf in front of a real gunicorn, as docker-compose runs them (only the addresses and the
certificate folder differ): plain HTTP goes to HTTPS, HTTPS pages carry HSTS because the portal trusts
the proxy's X-Forwarded-Proto, and neither server says what software or version it runs."""

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, log: Path, deadline=30):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(log.read_text() if log.exists() else f"nothing listens on {port}")


def get(port, path, tls=False, headers=None):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the test's own certificate
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=20)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", path, headers={"Host": "localhost"} | (headers or {}))
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.fixture
def stack(tmp_path):
    """gunicorn with the production HTTPS settings, and nginx with deploy/nginx.conf in front of it."""
    assert os.path.exists(NGINX), "nginx must be installed by `make test` (Debian package nginx)"
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    certs = tmp_path / "certs"
    certs.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", certs / "privkey.pem", "-out", certs / "fullchain.pem"],
                   check=True, capture_output=True)  # fmt: skip
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    for old, new in [("server web:8000;", f"server 127.0.0.1:{app_port};"), ("listen 80;", f"listen {http_port};"),
                     ("listen 443 ssl;", f"listen {https_port} ssl;"), ("/etc/nginx/certs", str(certs))]:  # fmt: skip
        assert old in site
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)  # the test machine may lack IPv6
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\naccess_log off;\nclient_body_temp_path {tmp_path}/body;\nproxy_temp_path {tmp_path}/proxy;\n"
        f"{site}\n}}\n"
    )
    production = {
        "DEBUG": "1",
        "SECURE_PROXY_SSL_HEADER": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "3600",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SESSION_COOKIE_SECURE": "1",
        "CSRF_COOKIE_SECURE": "1",
        "ALLOWED_HOSTS": "localhost",
        "DJANGO_SETTINGS_MODULE": "binhson_plan.settings",
    }
    log = tmp_path / "gunicorn.log"
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "binhson_plan.wsgi:application", "--bind",
         f"127.0.0.1:{app_port}", "--workers", "1", "--no-control-socket"],  # fmt: skip
        cwd=ROOT, env=os.environ | production, stdout=open(log, "w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    nginx = subprocess.Popen(
        [
            NGINX,
            "-p",
            str(tmp_path),
            "-c",
            str(tmp_path / "nginx.conf"),
            "-e",
            str(tmp_path / "error.log"),
            "-g",
            "daemon off;",
        ],  # fmt: skip
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "nginx-start.log", "w"),
    )
    try:
        wait_for_port(app_port, log)
        wait_for_port(https_port, tmp_path / "error.log")
        yield {"app": app_port, "http": http_port, "https": https_port}
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
            process.wait(timeout=30)


def test_nginx_takes_the_configuration_without_a_warning(stack, tmp_path):
    log = (tmp_path / "error.log").read_text() + (tmp_path / "nginx-start.log").read_text()
    assert "[warn]" not in log and "[emerg]" not in log, log


def test_plain_http_is_sent_to_https(stack):
    response = get(stack["http"], "/dang-nhap/")
    assert response.status == 301
    assert response.getheader("Location") == "https://localhost/dang-nhap/"


def test_https_pages_come_with_hsts_and_no_version_banner(stack):
    response = get(stack["https"], "/dang-nhap/", tls=True)
    assert response.status == 200  # no redirect loop: the portal believes the proxy's X-Forwarded-Proto
    assert response.getheader("Strict-Transport-Security") == "max-age=3600; includeSubDomains"
    assert "script-src 'self'" in response.getheader("Content-Security-Policy")
    assert response.getheader("Server") == "nginx"  # server_tokens off: no version
    assert "Secure" in response.getheader("Set-Cookie", "")  # the CSRF cookie of the login form


def test_gunicorn_reached_directly_sends_plain_http_to_https_without_a_banner(stack):
    response = get(stack["app"], "/dang-nhap/")
    assert response.status == 301 and response.getheader("Location").startswith("https://")
    assert response.getheader("Server") is None  # gunicorn.conf.py drops gunicorn's banner
