"""The stack that `make prod-check` starts (deploy/prod_check.py runs the checks): the deploy
files read as systemd and nginx read them, a scratch /etc/salvaguarda and PostgreSQL database,
the units' processes, nginx in front, and plain HTTP requests to them."""

from __future__ import annotations

import base64
import contextlib
import datetime
import http.client
import ipaddress
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
NGINX_SITE = DEPLOY / "nginx" / "salvaguarda.conf"
ENV_EXAMPLE = DEPLOY / "salvaguarda.env.example"
APP_DIR = "/opt/salvaguarda"  # where the deploy files expect the code
ETC_DIR = "/etc/salvaguarda"
HOST = "salvaguarda.example.org"  # the example's address, kept: requests carry it as Host
WAIT = 60.0


class CheckFailed(Exception):
    pass


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    passed: int = 0

    def check(self, what: str, condition: bool, detail: str = "") -> bool:
        if condition:
            self.passed += 1
            print(f"  ok    {what}", flush=True)
        else:
            self.failures.append(f"{what}: {detail}" if detail else what)
            print(f"  FAIL  {what}" + (f": {detail}" if detail else ""), flush=True)
        return condition


# --- Reading the deploy files as systemd and nginx would ------------------------------------


def env_file(path: Path) -> dict[str, str]:
    """A systemd EnvironmentFile: NAME=value lines, comments, values maybe quoted."""
    values = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        name, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name.strip()] = value
    return values


@dataclass
class Unit:
    name: str
    exec_start: list[str]
    environment: dict[str, str]
    credentials: dict[str, str]  # credential name -> source file
    environment_file: str
    read_write_paths: list[str]


def unit_read(name: str) -> Unit:
    """The [Service] lines prod-check needs, continuation lines joined."""
    text = (UNITS / name).read_text(encoding="utf-8").replace("\\\n", " ")
    exec_start: list[str] = []
    environment: dict[str, str] = {}
    credentials: dict[str, str] = {}
    environment_file = ""
    paths: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        if key == "ExecStart":
            exec_start = shlex.split(value)
        elif key == "Environment":
            for item in shlex.split(value):
                env_name, _, env_value = item.partition("=")
                environment[env_name] = env_value
        elif key == "LoadCredential":
            credential, _, source = value.partition(":")
            credentials[credential] = source
        elif key == "EnvironmentFile":
            environment_file = value.lstrip("-")
        elif key in {"ReadWritePaths", "StateDirectory", "LogsDirectory"}:
            prefix = {"StateDirectory": "/var/lib/", "LogsDirectory": "/var/log/"}.get(key, "")
            paths += [prefix + item.lstrip("-") for item in value.split()]
    return Unit(name, exec_start, environment, credentials, environment_file, paths)


def size_bytes(value: str) -> int:
    """nginx's sizes: 110m, 1g, 512k, 4096."""
    match = re.fullmatch(r"(\d+)([kKmMgG]?)", value)
    if not match:
        raise CheckFailed(f"not an nginx size: {value!r}")
    scale = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[match[2].lower()]
    return int(match[1]) * scale


def replaced(text: str, old: str, new: str, what: str) -> str:
    if old not in text:
        raise CheckFailed(f"{what}: {old!r} is no longer in the file; update deploy/prod_check.py")
    return text.replace(old, new)


# --- The scratch installation ---------------------------------------------------------------


@dataclass
class Stage:
    tmp: Path
    admin_url: str
    database: str
    roles: dict[str, tuple[str, str]]  # kind -> (role, password)
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    @property
    def etc(self) -> Path:
        return self.tmp / "etc"

    @property
    def syslog(self) -> Path:
        """Where this run's syslog listens (AUDIT_ANCHOR_SYSLOG), as /dev/log on a server."""
        return self.tmp / "syslog.sock"

    def url(self, kind: str, database: str | None = None) -> str:
        role, password = self.roles[kind]
        parts = urllib.parse.urlsplit(self.admin_url)
        host = parts.hostname or "127.0.0.1"
        port = parts.port or 5432
        return f"postgres://{role}:{password}@{host}:{port}/{database or self.database}"

    def log(self, name: str) -> Path:
        return self.tmp / "logs" / f"{name}.log"


def database_create(stage: Stage) -> None:
    with psycopg.connect(stage.admin_url, autocommit=True) as admin:
        for kind, (role, password) in stage.roles.items():
            options = {
                "owner": "",
                "app": " NOSUPERUSER NOBYPASSRLS",
                "backup": " BYPASSRLS",
            }[kind]
            admin.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}" + options).format(
                    sql.Identifier(role), sql.Literal(password)
                )
            )
        admin.execute(
            sql.SQL("GRANT pg_read_all_data TO {}").format(sql.Identifier(stage.roles["backup"][0]))
        )
        admin.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(stage.database), sql.Identifier(stage.roles["owner"][0])
            )
        )


def database_drop(stage: Stage) -> None:
    with psycopg.connect(stage.admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(stage.database)
            )
        )
        for role, _ in stage.roles.values():
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def etc_write(stage: Stage) -> dict[str, str]:
    """/etc/salvaguarda: the example's settings with this run's paths and database; the
    credentials generated. Returns the settings as the units will read them."""
    credentials = stage.etc / "credentials"
    credentials.mkdir(parents=True, mode=0o700)
    generated = {
        "secret_key": secrets.token_urlsafe(50),
        "master_key": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "backup_key": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "audit_key": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "owner_database_url": stage.url("owner"),
        "backup_database_url": stage.url("backup"),
    }
    for name, value in generated.items():
        path = credentials / name
        path.write_text(value + "\n", encoding="utf-8")
        path.chmod(0o600)
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    settings = env_file(ENV_EXAMPLE)
    moved = {
        "DATABASE_URL": stage.url("app"),
        "SALVAGUARDA_VAR_DIR": str(stage.tmp / "var"),
        "EVIDENCE_DIR": str(stage.tmp / "var" / "evidence"),
        "BACKUP_DIR": str(stage.tmp / "backups"),
        "AUDIT_ANCHOR_FILE": str(stage.tmp / "log" / "audit-anchors.jsonl"),
        "AUDIT_ANCHOR_SYSLOG": str(stage.syslog),
    }
    for name, value in moved.items():
        text = replaced(text, f"{name}={settings[name]}\n", f"{name}={value}\n", "env example")
    # This run's own folders, and a small API limit per address that shows which address the
    # app counts (prod_check.check_client_address).
    text += f"\n# make prod-check\nSTATIC_ROOT={stage.tmp / 'static'}\nAPI_RATE_PER_ADDRESS=5\n"
    (stage.tmp / "var").mkdir(mode=0o700)
    (stage.tmp / "backups").mkdir(mode=0o700)
    (stage.tmp / "log").mkdir(mode=0o700)  # systemd's LogsDirectory=
    path = stage.etc / "salvaguarda.env"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return env_file(path)


def syslog_listen(stage: Stage) -> socket.socket:
    """A datagram socket standing for /dev/log: what the app sends to syslog arrives here."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(stage.syslog))
    listener.setblocking(False)
    return listener


def syslog_read(listener: socket.socket) -> list[str]:
    messages = []
    with contextlib.suppress(BlockingIOError):
        while True:
            messages.append(listener.recv(65536).decode(errors="replace"))
    return messages


def scripts_env(stage: Stage) -> dict[str, str]:
    """deploy/manage.sh and upgrade.sh pointed at this checkout and the scratch /etc."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SALVAGUARDA_", "DJANGO"))}
    env.pop("DATABASE_URL", None)
    env.update(
        SALVAGUARDA_APP_DIR=str(ROOT),
        SALVAGUARDA_ETC=str(stage.etc),
        SALVAGUARDA_USER=current_user(),
    )
    return env


def current_user() -> str:
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name


def unit_env(stage: Stage, unit: Unit) -> dict[str, str]:
    """The environment systemd gives the unit: its EnvironmentFile, its Environment= lines
    with %d (the credentials folder) filled in, the credentials copied there."""
    if unit.environment_file != f"{ETC_DIR}/salvaguarda.env":
        raise CheckFailed(f"{unit.name}: EnvironmentFile={unit.environment_file}")
    folder = stage.tmp / "credentials" / unit.name
    folder.mkdir(parents=True, mode=0o700)
    for name, source in unit.credentials.items():
        local = Path(replaced(source, ETC_DIR, str(stage.etc), f"{unit.name} LoadCredential"))
        shutil.copy(local, folder / name)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(stage.tmp),
    }
    for name, value in unit.environment.items():
        env[name] = value.replace("%d", str(folder))
    # systemd: a variable of the EnvironmentFile wins over Environment=.
    env.update(env_file(stage.etc / "salvaguarda.env"))
    return env


def unit_command(unit: Unit) -> list[str]:
    return [part.replace(APP_DIR, str(ROOT)) for part in unit.exec_start]


# --- Processes ------------------------------------------------------------------------------


def run(stage: Stage, name: str, command: list[str], env: dict[str, str]) -> str:
    """Run to the end; its output goes to logs/<name>.log and is returned."""
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    output = done.stdout + done.stderr
    stage.log(name).write_text(output, encoding="utf-8")
    if done.returncode != 0:
        raise CheckFailed(
            f"{name} exited with {done.returncode} after {time.monotonic() - started:.0f} s:\n"
            + tail(output)
        )
    return output


def tail(text: str, lines: int = 25) -> str:
    return "\n".join("        " + line for line in text.splitlines()[-lines:])


def start(stage: Stage, name: str, command: list[str], env: dict[str, str], **kw: object) -> None:
    out = stage.log(name).open("ab")
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True, **kw
    )
    stage.processes.append((name, process))


def wait_for(what: str, ready: Callable[[], bool], alive: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not ready():
        if not alive():
            raise CheckFailed(f"{what} stopped while starting")
        if time.monotonic() > deadline:
            raise CheckFailed(f"{what} not ready within {WAIT:.0f} s")
        time.sleep(0.2)


def web_start(stage: Stage, unit: Unit) -> Path:
    """gunicorn as systemd starts it: the socket of salvaguarda-web.socket handed over as
    fd 3 (LISTEN_FDS), and ready when it says READY=1 on NOTIFY_SOCKET (Type=notify)."""
    socket_unit = (UNITS / "salvaguarda-web.socket").read_text(encoding="utf-8")
    mode = re.search(r"^SocketMode=(\d+)$", socket_unit, re.M)
    path = stage.tmp / "web.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    path.chmod(int(mode[1], 8) if mode else 0o600)
    listener.listen(128)
    notify_path = stage.tmp / "notify.sock"
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(notify_path))
    notify.settimeout(0.2)
    env = unit_env(stage, unit)
    env["NOTIFY_SOCKET"] = str(notify_path)
    fd = listener.fileno()
    command = [
        "/bin/sh",
        "-c",
        f'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$@" 3<&{fd}',
        "sh",
        *unit_command(unit),
    ]
    start(stage, "web", command, env, pass_fds=(fd,))
    listener.close()
    process = stage.processes[-1][1]
    messages: list[str] = []

    def notified() -> bool:
        with contextlib.suppress(TimeoutError):
            messages.append(notify.recv(4096).decode())
        return any("READY=1" in message for message in messages)

    try:
        wait_for("gunicorn (READY=1)", notified, lambda: process.poll() is None)
    finally:
        notify.close()
    return path


def stop_all(stage: Stage, report: Report) -> None:
    for name, process in reversed(stage.processes):
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        try:
            code = process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            code = None
        report.check(f"{name} stops cleanly on SIGTERM", code == 0, f"exit status {code}")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # anything it left behind


# --- nginx ----------------------------------------------------------------------------------


def free_ports(count: int) -> list[int]:
    """Ports free now and distinct: every probe stays bound until all are chosen (two probes
    closed one after the other can get the same port, and nginx then merged the HTTP and the
    HTTPS server on it and refused the HTTP one for having no certificate)."""
    with contextlib.ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]


def certificate(stage: Stage) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(HOST), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = stage.tmp / "tls"
    folder.mkdir(mode=0o700)
    (folder / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return folder / "fullchain.pem", folder / "privkey.pem"


def nginx_start(stage: Stage, web_socket: Path, static_root: str) -> tuple[int, int, Path]:
    """deploy/nginx/salvaguarda.conf with this run's ports, certificate, socket and static
    folder, inside a minimal nginx.conf. Returns the HTTPS and HTTP ports and the cert."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    https, plain = free_ports(2)
    cert, key = certificate(stage)
    folder = stage.tmp / "nginx"
    folder.mkdir()
    site = NGINX_SITE.read_text(encoding="utf-8")
    for old, new in [
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("listen 80;", f"listen 127.0.0.1:{plain};"),
        ("listen [::]:80;", ""),
        (f"/etc/letsencrypt/live/{HOST}/fullchain.pem", str(cert)),
        (f"/etc/letsencrypt/live/{HOST}/privkey.pem", str(key)),
        ("unix:/run/salvaguarda-web.sock", f"unix:{web_socket}"),
        (f"{APP_DIR}/staticfiles/", static_root.rstrip("/") + "/"),
        ("root /var/www/html;", f"root {folder / 'acme'};"),
    ]:
        site = replaced(site, old, new, "nginx example")
    (folder / "salvaguarda.conf").write_text(site, encoding="utf-8")
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    mime = "    include /etc/nginx/mime.types;\n" if Path("/etc/nginx/mime.types").exists() else ""
    (folder / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {stage.log('nginx-error')} warn;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n{mime}    access_log {stage.log('nginx-access')};\n{temp}\n"
        f"    include {folder / 'salvaguarda.conf'};\n}}\n",
        encoding="utf-8",
    )
    command = [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    run(stage, "nginx-test", [*command, "-t", "-q"], dict(os.environ))
    start(stage, "nginx", command, dict(os.environ))
    process = stage.processes[-1][1]

    def listening() -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", https), 1):
            return True
        return False

    wait_for("nginx", listening, lambda: process.poll() is None)
    return https, plain, cert


# --- HTTP -----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


def https_request(port: int, cert: Path, method: str, path: str, **kw: object) -> Answer:
    context = ssl.create_default_context(cafile=str(cert))
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=60)
    return send(connection, method, path, **kw)


def plain_request(port: int, method: str, path: str, **kw: object) -> Answer:
    return send(http.client.HTTPConnection("127.0.0.1", port, timeout=60), method, path, **kw)


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: Path) -> None:
        super().__init__("localhost", timeout=60)
        self.unix_path = str(path)

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(60)
        self.sock.connect(self.unix_path)


def send(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    length: int | None = None,
) -> Answer:
    """One request with Host: salvaguarda.example.org. `length` without `body` sends only the
    headers of a request that large (enough for nginx to refuse it)."""
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", HOST)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None or length is not None:
            connection.putheader("Content-Length", str(length if body is None else len(body)))
        connection.endheaders()
        if body is not None:
            connection.send(body)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()
