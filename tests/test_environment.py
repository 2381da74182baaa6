"""Settings from the environment, and proof of which database and broker the suite ran on."""

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import redis
import yaml
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import connection

from binhson_plan.celery import app
from tests.test_tls_proxy import free_port

ROOT = Path(settings.BASE_DIR)


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}} | env
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_it_runs_on_the_database_it_was_given(db):
    url = os.environ.get("DATABASE_URL", "sqlite://")
    expected = os.environ.get("CI_EXPECT_DATABASE") or ("postgresql" if url.startswith("postgres") else "sqlite")
    assert connection.vendor == expected


def test_celery_uses_the_broker_it_was_given():
    broker = os.environ.get("CI_EXPECT_BROKER") or os.environ.get("CELERY_BROKER_URL", "")
    if broker:
        assert app.conf.task_always_eager is False
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=2)  # raises if the broker is not there
            assert conn.as_uri().startswith(broker.split("://")[0])
    else:
        assert app.conf.task_always_eager is True


def test_it_refuses_to_start_with_the_development_key_when_debug_is_off():
    result = run_python("import django; django.setup()", DJANGO_SETTINGS_MODULE="binhson_plan.settings", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_starts_with_a_real_key_when_debug_is_off():
    code = "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"
    result = run_python(
        code,
        DJANGO_SETTINGS_MODULE="binhson_plan.settings",
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="a.vn,b.vn",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['a.vn', 'b.vn']"


def test_vietnamese_locale_and_time_zone():
    assert settings.LANGUAGE_CODE == "vi" and settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


def test_every_setting_read_from_the_environment_is_in_env_example():
    source = (ROOT / "binhson_plan" / "settings.py").read_text()
    example = (ROOT / ".env.example").read_text()
    names = set(re.findall(r'env_(?:bool|list)\("([A-Z_]+)"', source)) | set(
        re.findall(r'os\.environ\.get\("([A-Z_]+)"', source)
    )
    assert names and all(f"\n{name}=" in "\n" + example for name in names), names


def compose_config(tmp_path, *args, **env) -> subprocess.CompletedProcess:
    """`docker-compose config` on the project's compose file, with .env.example as .env."""
    compose = shutil.which("docker-compose")
    assert compose, "docker-compose must be installed by `make test` (Debian package docker-compose)"
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    keys = {"AWS_ACCESS_KEY_ID": "portal-key", "AWS_SECRET_ACCESS_KEY": "portal-secret"}  # the office's, in .env
    environment = {k: v for k, v in os.environ.items() if k != "POSTGRES_PASSWORD"} | keys | env
    return subprocess.run(
        [compose, "config", *args], cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=60
    )


def test_docker_compose_file_is_valid(tmp_path):
    result = compose_config(tmp_path, "-q", POSTGRES_PASSWORD="s3cret-from-env")
    assert result.returncode == 0, result.stderr
    services = compose_config(tmp_path, "--services", POSTGRES_PASSWORD="s3cret-from-env")
    assert set(services.stdout.split()) == {"web", "worker", "beat", "db", "redis", "cache", "proxy", "backup", "s3"}


def test_every_container_keeps_a_bounded_log(tmp_path):
    """Probe 37: nginx logged each of one client's refused requests, and Docker kept a container's output without
    end: 121 MB/s onto the host's disk. Every service's output is kept in at most 5 files of 20 MB, nginx's main
    configuration (the proxy's) mounted with it."""
    result = compose_config(tmp_path, POSTGRES_PASSWORD="s3cret-from-env")
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    for name, service in services.items():
        assert service.get("logging") == {"driver": "json-file", "options": {"max-size": "20m", "max-file": "5"}}, name
    assert any(str(v).endswith("/etc/nginx/nginx.conf:ro") or "nginx-main.conf" in str(v)
               for v in services["proxy"]["volumes"])  # fmt: skip


def test_the_cache_is_a_redis_of_its_own_that_drops_old_keys_when_full(tmp_path):
    """Probe 36: the cache shared the broker's Redis, without a memory limit, and each correction left a generation
    of cached figures there for good (4,6 MB a minute in a loop). The cache has its own Redis, whose command line is
    run here (with a small limit): writing far past the limit, every write still succeeds and memory stays bounded."""
    result = compose_config(tmp_path, POSTGRES_PASSWORD="s3cret-from-env")
    services = yaml.safe_load(result.stdout)["services"]
    for name in ("web", "worker", "beat", "backup"):
        assert services[name]["environment"]["CACHE_URL"] == "redis://cache:6379/0", name
        assert services[name]["environment"]["CELERY_BROKER_URL"] == "redis://redis:6379/0", name
    command = services["cache"]["command"]
    command = shlex.split(command) if isinstance(command, str) else command
    assert command[:1] == ["redis-server"] and "allkeys-lru" in command and "256mb" in command
    port = free_port()
    arguments = [("4mb" if part == "256mb" else part) for part in command[1:]]
    server = subprocess.Popen(["redis-server", *arguments, "--port", str(port), "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        cache = RedisCache(f"redis://127.0.0.1:{port}/0", {})
        for generation in range(400):  # 400 generations of 40 kB: 16 MB written into 4 MB
            cache.set(f"figures:{generation}", "x" * 40_000, timeout=None)
        assert cache.get("figures:399") == "x" * 40_000  # the newest kept
        assert cache.get("figures:0") is None  # the oldest dropped
        assert client.info("memory")["used_memory"] < 6 * 1024 * 1024
        assert not list(tmp_path.glob("*.rdb")) and not list(tmp_path.glob("*.aof"))  # memory only
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_docker_compose_keeps_the_files_in_the_s3_service_and_shares_no_disk(tmp_path):
    """Issue 20: two web replicas and two workers, every file in the SeaweedFS bucket, no media volume; the S3 server
    refuses to start without the office's key pair (no default key)."""
    result = compose_config(tmp_path, POSTGRES_PASSWORD="s3cret-from-env")
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    for name in ("web", "worker", "beat", "backup"):
        service = config["services"][name]
        environment = service["environment"]
        assert (
            environment["AWS_STORAGE_BUCKET_NAME"] == "binhson"
            and environment["AWS_S3_ENDPOINT_URL"] == "http://s3:8333"
        )
        assert (environment["AWS_ACCESS_KEY_ID"], environment["AWS_SECRET_ACCESS_KEY"]) == (
            "portal-key",
            "portal-secret",
        )
        assert not any("/var/lib/binhson/media" in str(volume) for volume in service.get("volumes", [])), name
    assert (
        config["services"]["web"]["deploy"]["replicas"] == 2 and config["services"]["worker"]["deploy"]["replicas"] == 2
    )
    assert "media" not in config.get("volumes", {}) and "s3data" in config["volumes"]
    assert config["services"]["s3"]["environment"]["S3_SECRET_KEY"] == "portal-secret"
    for missing in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        refused = compose_config(tmp_path, "-q", POSTGRES_PASSWORD="s3cret-from-env", **{missing: ""})
        assert refused.returncode != 0 and f"set {missing}" in refused.stderr, refused.stderr


def test_docker_compose_refuses_to_start_without_a_database_password(tmp_path):
    """Issue 17, item 11: no password written in the compose file; without POSTGRES_PASSWORD it stops."""
    assert "binhson:binhson" not in (ROOT / "docker-compose.yml").read_text()
    for env in ({}, {"POSTGRES_PASSWORD": ""}):
        result = compose_config(tmp_path, "-q", **env)
        assert result.returncode != 0
        assert "set POSTGRES_PASSWORD" in result.stderr, result.stderr

    result = compose_config(tmp_path, POSTGRES_PASSWORD="s3cret-from-env")
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert config["services"]["db"]["environment"]["POSTGRES_PASSWORD"] == "s3cret-from-env"
    for name in ("web", "worker", "beat", "backup"):
        url = config["services"][name]["environment"]["DATABASE_URL"]
        assert url == "postgres://binhson:s3cret-from-env@db:5432/binhson", (name, url)
    assert "binhson:binhson" not in result.stdout and "POSTGRES_PASSWORD: binhson" not in result.stdout


def test_the_image_is_built_without_the_secrets_beside_the_code(tmp_path):
    """Probe 29: the Dockerfile copies the whole folder (`COPY . .`) and .dockerignore let `.env` (SECRET_KEY, the
    database password, S3 and backup keys) into the image. The build context is worked out here as docker-compose
    itself does (docker SDK's `exclude_paths`, from the Debian package docker-compose that `make test` installs)."""
    for name in (".env", ".env.production", "backups/binhson-2026-12-06.tar.gz.enc", "db.sqlite3", "media/a.pdf",
                 ".env.example", "manage.py", "deploy/nginx.conf"):  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    shutil.copy(ROOT / ".dockerignore", tmp_path)
    listed = subprocess.run(
        ["/usr/bin/python3", "-c", "import sys, docker.utils.build as b; "
         "print('\\n'.join(sorted(b.exclude_paths(sys.argv[1], open(sys.argv[2]).read().splitlines()))))",
         str(tmp_path), str(tmp_path / ".dockerignore")],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert {".env.example", "manage.py", "deploy/nginx.conf"} <= set(listed)
    assert not {".env", ".env.production", "db.sqlite3", "media/a.pdf"} & set(listed)
    assert not [name for name in listed if name.startswith("backups")]
