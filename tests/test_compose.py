"""The container set-up: docker-compose.yml and the Dockerfile agree with what the code needs.

Static checks only (no Docker engine): the compose file is read with yaml.safe_load, and the
environment variables the settings read are found by parsing academy/settings.py with ast.
"""

import ast
import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SETTINGS_FILE = ROOT / "academy" / "settings.py"

SERVICES = ("web", "worker", "beat", "postgres", "redis", "mailpit")
APP_SERVICES = ("web", "worker", "beat")
REQUIRED_APP_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DJANGO_SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
)
MEDIA_PATH = "/app/var/media"


# --- Helpers --------------------------------------------------------------------------------------


def env_names_read_by(source: str) -> set[str]:
    """Names of the variables read through django-environ's `env` object in this source.

    Every call whose function is the name `env` or an attribute of it (`env(...)`, `env.str(...)`,
    `env.bool(...)`, `env.db(...)`, ...) and whose first argument (or `var=`) is a string literal.
    """
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        on_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "env"
        )
        if not on_env:
            continue
        first: ast.expr | None = node.args[0] if node.args else None
        if first is None:
            first = next((kw.value for kw in node.keywords if kw.arg == "var"), None)
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


_INTERPOLATION = re.compile(
    r"\$\$"  # escaped dollar
    r"|\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)


def interpolate(value: str) -> str:
    """The value compose would use with none of the variables set: defaults applied, `$$` -> `$`.

    A required variable (`${NAME:?message}`) becomes `<NAME>`.
    """

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("braced") or match.group("bare")
        op, arg = match.group("op"), match.group("arg") or ""
        if op in (":-", "-"):
            return arg
        if op in (":?", "?"):
            return f"<{name}>"
        return ""

    return _INTERPOLATION.sub(substitute, value)


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as a mapping, whichever of the two compose forms it uses."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in raw)
    return {key: "" if value is None else str(value) for key, value in raw.items()}


def command(service: dict[str, Any]) -> list[str]:
    raw = service.get("command") or []
    return shlex.split(raw) if isinstance(raw, str) else [str(part) for part in raw]


def healthcheck_test(service: dict[str, Any]) -> list[str]:
    check = service.get("healthcheck") or {}
    if check.get("disable"):
        return []
    test = check.get("test") or []
    return ["CMD-SHELL", test] if isinstance(test, str) else [str(part) for part in test]


def named_volume_mounts(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(volume name, container path) of each named-volume mount; bind mounts are left out."""
    mounts = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            source, _, rest = volume.partition(":")
            target = rest.split(":", 1)[0]
        else:
            if volume.get("type", "volume") != "volume":
                continue
            source, target = volume.get("source", ""), volume.get("target", "")
        if source and not source.startswith((".", "/", "~", "$")):
            mounts.append((source, target))
    return mounts


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    """Each dependency with its condition (the short list form means service_started)."""
    raw = service.get("depends_on") or {}
    if isinstance(raw, list):
        return dict.fromkeys(raw, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in raw.items()}


def one_shot_services(services: dict[str, Any]) -> set[str]:
    """Services another one waits on to exit successfully (e.g. migrations): they never run on."""
    return {
        name
        for service in services.values()
        for name, condition in depends_on(service).items()
        if condition == "service_completed_successfully"
    }


def image_major(image: str) -> str:
    tag = image.rsplit("/", 1)[-1].partition(":")[2].split("@")[0]
    return re.split(r"[.\-]", tag)[0]


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, arguments = current.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        current = ""
    return instructions


# --- Fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), "docker-compose.yml is not a mapping"
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found = compose.get("services")
    assert isinstance(found, dict), "docker-compose.yml has no services mapping"
    return found


@pytest.fixture(scope="module")
def settings_env_names() -> set[str]:
    return env_names_read_by(SETTINGS_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    assert DOCKERFILE.is_file(), "Dockerfile is missing"
    return dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))


# --- The settings parser --------------------------------------------------------------------------


def test_settings_parser_finds_variables_the_settings_are_known_to_read(
    settings_env_names: set[str],
) -> None:
    expected = {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG"}
    assert expected <= settings_env_names


def test_settings_parser_counts_only_calls_on_env() -> None:
    source = (
        "env = environ.Env()\n"
        "A = env('PLAIN')\n"
        "B = env.bool('FLAG', default=False)\n"
        "C = env.db(var='DB')\n"
        "D = other.str('NOT_ENV')\n"
        "E = os.environ.get('NOT_DJANGO_ENVIRON')\n"
        "env.read_env(BASE_DIR / '.env')\n"
    )
    assert env_names_read_by(source) == {"PLAIN", "FLAG", "DB"}


# --- Services -------------------------------------------------------------------------------------


def test_compose_file_uses_the_compose_spec_without_a_version_key(compose: dict[str, Any]) -> None:
    assert "version" not in compose


def test_compose_defines_the_six_services(services: dict[str, Any]) -> None:
    assert set(SERVICES) <= set(services)


def test_postgres_runs_major_version_16(services: dict[str, Any]) -> None:
    image = services["postgres"]["image"]
    assert image.split(":")[0] in ("postgres", "library/postgres", "docker.io/library/postgres")
    assert image_major(image) == "16"


def test_redis_runs_major_version_7(services: dict[str, Any]) -> None:
    image = services["redis"]["image"]
    assert image.split(":")[0] in ("redis", "library/redis", "docker.io/library/redis")
    assert image_major(image) == "7"


def test_redis_persists_with_the_append_only_file(services: dict[str, Any]) -> None:
    args = command(services["redis"])
    assert "--appendonly" in args
    assert args[args.index("--appendonly") + 1] == "yes"


def test_postgres_is_configured_with_database_user_and_password(services: dict[str, Any]) -> None:
    env = environment(services["postgres"])
    assert {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"} <= set(env)


@pytest.mark.parametrize("name", SERVICES)
def test_every_long_running_service_has_a_healthcheck(services: dict[str, Any], name: str) -> None:
    test = healthcheck_test(services[name])
    assert test, f"{name} has no healthcheck"
    assert test[0] in ("CMD", "CMD-SHELL"), f"{name}: healthcheck test must be CMD or CMD-SHELL"
    assert any(part.strip() for part in test[1:]), f"{name}: healthcheck runs no command"


def test_only_one_shot_services_go_without_a_healthcheck(services: dict[str, Any]) -> None:
    without = {name for name, service in services.items() if not healthcheck_test(service)}
    assert without <= one_shot_services(services)


def test_postgres_healthcheck_uses_pg_isready(services: dict[str, Any]) -> None:
    assert "pg_isready" in " ".join(healthcheck_test(services["postgres"]))


def test_redis_healthcheck_pings_redis(services: dict[str, Any]) -> None:
    assert "redis-cli ping" in " ".join(healthcheck_test(services["redis"]))


def test_web_healthcheck_fetches_healthz_from_an_allowed_host(services: dict[str, Any]) -> None:
    check = " ".join(healthcheck_test(services["web"]))
    match = re.search(r"https?://[^'\"\s]+/healthz", check)
    assert match, "web healthcheck does not request /healthz"
    host = urlsplit(match.group(0)).hostname
    allowed = interpolate(environment(services["web"])["ALLOWED_HOSTS"]).split(",")
    assert host in allowed, f"{host} is not in ALLOWED_HOSTS, so /healthz would answer 400"


@pytest.mark.parametrize(("name", "node"), [("worker", "celery@"), ("beat", "celerybeat@")])
def test_celery_healthchecks_ping_their_own_node(
    services: dict[str, Any], name: str, node: str
) -> None:
    check = interpolate(" ".join(healthcheck_test(services[name])))
    assert "celery -A academy inspect ping" in check
    assert f"{node}$HOSTNAME" in check


def test_beat_answers_remote_control_so_its_healthcheck_can_ping_it(
    services: dict[str, Any],
) -> None:
    assert "--enable-remote-control" in command(services["beat"])


# --- Commands -------------------------------------------------------------------------------------


def test_web_runs_gunicorn_on_the_wsgi_application(services: dict[str, Any]) -> None:
    args = command(services["web"])
    assert args[0] == "gunicorn"
    assert "academy.wsgi:application" in args


def test_web_binds_the_port_it_publishes(services: dict[str, Any]) -> None:
    args = " ".join(command(services["web"]))
    assert re.search(r"--bind[= ]0\.0\.0\.0:8000\b", args)
    assert any(str(port).endswith(":8000") for port in services["web"].get("ports", []))


def test_worker_runs_a_celery_worker_for_the_academy_app(services: dict[str, Any]) -> None:
    assert " ".join(command(services["worker"])).startswith("celery -A academy worker")


def test_beat_runs_celery_beat_for_the_academy_app(services: dict[str, Any]) -> None:
    args = command(services["beat"])
    assert " ".join(args).startswith("celery -A academy beat")
    schedule = next(
        (a.split("=", 1)[1] for a in args if a.startswith(("--schedule=", "-s="))),
        args[args.index("--schedule") + 1] if "--schedule" in args else None,
    )
    assert schedule, "beat has no --schedule"
    assert schedule.startswith("/app/var/"), "the beat schedule must be in the writable /app/var"


def test_migrations_run_before_web_and_worker_start(services: dict[str, Any]) -> None:
    migrators = [
        name
        for name, service in services.items()
        if "migrate" in command(service) and "manage.py" in " ".join(command(service))
    ]
    assert migrators, "no service runs manage.py migrate"
    (migrator,) = migrators
    assert "--noinput" in command(services[migrator])
    for name in ("web", "worker"):
        assert depends_on(services[name]).get(migrator) == "service_completed_successfully"


# --- Dependencies and volumes ---------------------------------------------------------------------


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_postgres_and_redis(
    services: dict[str, Any], name: str
) -> None:
    deps = depends_on(services[name])
    assert deps.get("postgres") == "service_healthy"
    assert deps.get("redis") == "service_healthy"


def test_named_volumes_are_declared_and_every_declared_one_is_used(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    declared = set(compose.get("volumes") or {})
    used = {source for service in services.values() for source, _ in named_volume_mounts(service)}
    assert {"postgres-data", "redis-data", "media"} <= declared
    assert used <= declared, f"volumes used but not declared: {used - declared}"
    assert declared <= used, f"volumes declared but never used: {declared - used}"


def test_postgres_and_redis_keep_their_data_in_named_volumes(services: dict[str, Any]) -> None:
    assert ("postgres-data", "/var/lib/postgresql/data") in named_volume_mounts(
        services["postgres"]
    )
    assert ("redis-data", "/data") in named_volume_mounts(services["redis"])


@pytest.mark.parametrize("name", ["web", "worker"])
def test_web_and_worker_share_the_media_volume(services: dict[str, Any], name: str) -> None:
    assert ("media", MEDIA_PATH) in named_volume_mounts(services[name])


# --- Environment ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_environment_only_sets_variables_the_settings_read(
    services: dict[str, Any], name: str, settings_env_names: set[str]
) -> None:
    unknown = set(environment(services[name])) - settings_env_names
    assert not unknown, f"{name} sets variables academy/settings.py never reads: {unknown}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_environment_sets_every_required_variable(services: dict[str, Any], name: str) -> None:
    env = environment(services[name])
    missing = [key for key in REQUIRED_APP_ENV if not interpolate(env.get(key, ""))]
    assert not missing, f"{name} lacks {missing}"


@pytest.mark.parametrize("name", APP_SERVICES)
@pytest.mark.parametrize("variable", ["DATABASE_URL", "REDIS_URL", "EMAIL_URL"])
def test_service_urls_point_at_compose_services(
    services: dict[str, Any], name: str, variable: str
) -> None:
    host = urlsplit(interpolate(environment(services[name])[variable])).hostname
    assert host in services, f"{name}: {variable} points at {host!r}, not a compose service"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_debug_is_off(services: dict[str, Any], name: str) -> None:
    assert interpolate(environment(services[name])["DJANGO_DEBUG"]).lower() == "false"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_https_is_off_by_default_as_no_tls_proxy_is_in_front(
    services: dict[str, Any], name: str
) -> None:
    assert interpolate(environment(services[name])["DJANGO_HTTPS"]).lower() == "false"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_secret_key_must_come_from_the_environment(services: dict[str, Any], name: str) -> None:
    value = environment(services[name])["DJANGO_SECRET_KEY"]
    assert re.fullmatch(r"\$\{DJANGO_SECRET_KEY:\?[^}]*\}", value), (
        "DJANGO_SECRET_KEY must be required from the environment (${DJANGO_SECRET_KEY:?...}), "
        "never written in the file"
    )


def test_web_worker_and_beat_share_one_environment(services: dict[str, Any]) -> None:
    web, worker, beat = (environment(services[name]) for name in APP_SERVICES)
    assert web == worker == beat


# --- Dockerfile -----------------------------------------------------------------------------------


def test_image_is_based_on_python_3_11_slim() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert "python:3.11-slim" in text


def test_image_runs_as_a_non_root_user(dockerfile: list[tuple[str, str]]) -> None:
    users = [args for keyword, args in dockerfile if keyword == "USER"]
    assert users, "Dockerfile has no USER"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_dependencies_install_from_the_lock_with_hashes(dockerfile: list[tuple[str, str]]) -> None:
    installs = [
        args
        for keyword, args in dockerfile
        if keyword == "RUN" and "pip install" in args and "requirements.lock" in args
    ]
    assert installs, "no RUN pip install -r requirements.lock"
    assert all("--require-hashes" in args and "--no-deps" in args for args in installs)


def test_static_files_are_collected_at_build_time(dockerfile: list[tuple[str, str]]) -> None:
    runs = [args for keyword, args in dockerfile if keyword == "RUN" and "collectstatic" in args]
    assert runs, "Dockerfile does not run collectstatic"
    assert "--noinput" in runs[0]
    assert "DJANGO_SECRET_KEY=" in runs[0], "collectstatic needs a build-only secret key"


def test_build_secret_key_is_not_kept_in_the_image(dockerfile: list[tuple[str, str]]) -> None:
    persisted = [
        args
        for keyword, args in dockerfile
        if keyword in ("ENV", "ARG") and "DJANGO_SECRET_KEY" in args
    ]
    assert not persisted


def test_image_exposes_port_8000_and_serves_with_gunicorn(
    dockerfile: list[tuple[str, str]],
) -> None:
    assert ("EXPOSE", "8000") in dockerfile
    cmd = [args for keyword, args in dockerfile if keyword == "CMD"][-1]
    assert "gunicorn" in cmd
    assert "academy.wsgi:application" in cmd
    assert "0.0.0.0:8000" in cmd
