"""HTTPS settings from the environment, security headers on every page, no inline script anywhere, and
`check --deploy` silent with the production environment the repository documents."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PROBE = "import django; django.setup(); from django.conf import settings as s; print({names})"


def env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if re.match(r"^[A-Z_]+=", line))
    return {name: value for name, value in pairs}


def documented_production_environment() -> dict[str, str]:
    """.env.example as the README says to use it (a SECRET_KEY and a POSTGRES_PASSWORD of its own), under
    docker-compose's settings (its ${NAME:?message} required variables filled in from that .env)."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    dotenv = env_file(ROOT / ".env.example") | {"POSTGRES_PASSWORD": secrets.token_urlsafe(32)}
    environment = dotenv | {
        k: re.sub(r"\$\{([A-Z_]+):\?[^}]*\}", lambda m: dotenv[m.group(1)], str(v))
        for k, v in compose["services"]["web"]["environment"].items()
    }
    return environment | {"SECRET_KEY": secrets.token_urlsafe(50)}


def run(args, env, **kwargs):
    clean = {k: v for k, v in os.environ.items() if k not in env_file(ROOT / ".env.example")} | env
    clean |= {"DJANGO_SETTINGS_MODULE": "binhson_plan.settings"}
    return subprocess.run(args, cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, **kwargs)


def settings_under(env, *names):
    code = PROBE.format(names="[" + ", ".join(f"s.{n}" for n in names) + "]")
    result = run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    return eval(result.stdout)  # noqa: S307 (our own probe's repr of plain values)


def test_check_deploy_is_silent_with_the_documented_production_environment():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 documented_production_environment())  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_with_debug_off_https_is_on_unless_turned_off():
    production = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50)}
    names = ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE",
             "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_PRELOAD")  # fmt: skip
    assert settings_under(production, *names) == [True, 31536000, True, True, True, None, False]
    turned = {"SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "3600", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "0",
              "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "SECURE_PROXY_SSL_HEADER": "1",
              "SECURE_HSTS_PRELOAD": "1"}  # fmt: skip
    assert settings_under(production | turned, *names) == [
        False, 3600, False, False, False, ("HTTP_X_FORWARDED_PROTO", "https"), True
    ]  # fmt: skip
    embedded = settings_under({"DEBUG": "1"}, "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SECURE_HSTS_SECONDS")
    assert embedded == [False, False, 0]


def test_the_example_secret_key_is_refused_with_debug_off():
    placeholder = env_file(ROOT / ".env.example")["SECRET_KEY"]
    result = run([sys.executable, "-c", "import django; django.setup()"], {"DEBUG": "0", "SECRET_KEY": placeholder})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert placeholder not in result.stderr  # the message does not repeat a key


def test_pages_carry_the_security_headers(client, plan):
    response = client.get(f"/cong-khai/{plan.slug}/")
    assert response.status_code == 200
    policy = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";") if d.strip())
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no nonce: inline script never runs
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_inline_script_or_event_handlers():
    offending = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offending.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        for match in re.finditer(r"\son[a-z]+\s*=", text):
            offending.append(f"{path.relative_to(ROOT)}: {text[match.start() : match.start() + 40]}")
        if "javascript:" in text.lower():
            offending.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert offending == []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_sends_no_server_banner(tmp_path):
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    # a database of its own: the sign-in page lists the plans' public pages
    env = os.environ | {"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "binhson_plan.settings",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}  # fmt: skip
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    # Started from the project folder, as in production, so gunicorn reads gunicorn.conf.py there.
    server = subprocess.Popen(
        [
            str(gunicorn),
            "binhson_plan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--no-control-socket",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=open(tmp_path / "gunicorn.log", "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline, response = time.monotonic() + 30, None
        while response is None and time.monotonic() < deadline:
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap/", timeout=5)
            except OSError:
                time.sleep(0.2)
        assert response is not None, (tmp_path / "gunicorn.log").read_text()
        assert response.status == 200
        assert response.headers.get("Server") is None
        assert "Content-Security-Policy" in response.headers
    finally:
        server.terminate()
        server.wait(timeout=30)
