"""`make prod-check`: start the production stack of deploy/ on this machine and smoke-test it.

What runs is what a server runs, read from the files in deploy/ (paths moved into a scratch
folder, nothing installed system-wide):
- a throwaway PostgreSQL database with its owner, application and backup roles;
- /etc/salvaguarda from deploy/salvaguarda.env.example and credentials generated for the run;
- deploy/upgrade.sh (translations, static files, migrations as the owner, grant_app_role,
  `check --deploy`), through deploy/manage.sh;
- each systemd unit's ExecStart, with its Environment= and LoadCredential= lines (systemd's
  socket activation and readiness notice imitated for the web app): gunicorn as the
  application role, the task worker, and every timer's job once;
- nginx with deploy/nginx/salvaguarda.conf and a self-signed certificate in front of it all.
Then the checks below, then everything stopped and dropped. Exit status 1 on any failure.

    python deploy/prod_check.py [--keep] [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import gzip
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from prod_stack import (
    APP_DIR,
    DEPLOY,
    ENV_EXAMPLE,
    HOST,
    NGINX_SITE,
    ROOT,
    UNITS,
    WAIT,
    CheckFailed,
    Report,
    Stage,
    UnixConnection,
    database_create,
    database_drop,
    env_file,
    etc_write,
    https_request,
    nginx_start,
    plain_request,
    run,
    scripts_env,
    send,
    size_bytes,
    start,
    stop_all,
    syslog_listen,
    syslog_read,
    tail,
    unit_command,
    unit_env,
    unit_read,
    web_start,
)

SIGN_IN = "/cuenta/entrar/"
JOBS = ["reminders", "backup", "audit-verify", "upkeep"]  # the oneshot units of the timers


# --- The checks -----------------------------------------------------------------------------


def check_files(report: Report, settings: dict[str, str]) -> None:
    """The deploy files agree with each other and with the app's settings."""
    print("deploy files", flush=True)
    site = NGINX_SITE.read_text(encoding="utf-8")
    limit = re.search(r"^\s*client_max_body_size\s+(\S+);", site, re.M)
    evidence = int(settings.get("EVIDENCE_MAX_MB") or 100) * 1024 * 1024
    if report.check("nginx sets client_max_body_size", limit is not None):
        body = size_bytes(limit[1])  # type: ignore[index]
        report.check(
            "nginx's body limit is a little above EVIDENCE_MAX_MB (1 to 20 MB more)",
            evidence + 1024**2 <= body <= evidence + 20 * 1024**2,
            f"{limit[1]} for EVIDENCE_MAX_MB={evidence // 1024**2}",  # type: ignore[index]
        )
    header = settings.get("CLIENT_ADDRESS_HEADER", "")
    report.check(
        f"nginx sets {header or 'the client-address header'} to the visitor's address",
        bool(header)
        and re.search(rf"proxy_set_header\s+{re.escape(header)}\s+\$remote_addr;", site, re.I)
        is not None,
        "CLIENT_ADDRESS_HEADER of the env example must be set by the nginx example",
    )
    report.check(
        "nginx passes X-Forwarded-Proto (the app's SECURE_PROXY_SSL_HEADER)",
        re.search(r"proxy_set_header\s+X-Forwarded-Proto\s+\$scheme;", site) is not None,
    )
    example = env_file(ENV_EXAMPLE)
    for name in sorted(p.name for p in UNITS.glob("*.service")):
        unit = unit_read(name)
        writable = [Path(p) for p in unit.read_write_paths]
        needed = ["SALVAGUARDA_VAR_DIR", "EVIDENCE_DIR"]
        if name in {"salvaguarda-backup.service", "salvaguarda-worker.service"}:
            needed.append("AUDIT_ANCHOR_FILE")
        if name == "salvaguarda-backup.service":
            needed.append("BACKUP_DIR")
        missing = [
            n for n in needed if not any(Path(example[n]).is_relative_to(w) for w in writable)
        ]
        report.check(f"{name} may write where the settings say", not missing, ", ".join(missing))
        hardened = all(
            re.search(rf"^{option}$", (UNITS / name).read_text(encoding="utf-8"), re.M)
            for option in (
                "User=salvaguarda",
                "NoNewPrivileges=yes",
                "ProtectSystem=strict",
                "PrivateTmp=yes",
                "CapabilityBoundingSet=",
            )
        )
        report.check(f"{name} is hardened (User, ProtectSystem=strict, ...)", hardened)
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        report.check(
            "systemd-analyze verify (systemd-analyze not installed)",
            os.environ.get("CI") != "true",
            "CI must verify the units",
        )
        return
    with tempfile.TemporaryDirectory() as folder:
        for unit_path in UNITS.iterdir():
            text = unit_path.read_text(encoding="utf-8").replace(APP_DIR, str(ROOT))
            (Path(folder) / unit_path.name).write_text(text, encoding="utf-8")
        names = sorted(p.name for p in Path(folder).iterdir())
        done = subprocess.run(  # noqa: S603
            [analyze, "verify", *names], cwd=folder, capture_output=True, text=True, check=False
        )
    complaints = (done.stdout + done.stderr).strip()
    report.check(
        f"systemd-analyze verify of {len(names)} units: no complaint",
        done.returncode == 0 and not complaints,
        complaints,
    )


def check_web(report: Report, https: int, plain: int, cert: Path, web_socket: Path) -> None:
    print("web app through nginx (HTTPS)", flush=True)
    page = https_request(https, cert, "GET", SIGN_IN, headers={"Accept-Encoding": "gzip"})
    report.check("sign-in page answers 200", page.status == 200, f"status {page.status}")
    csp = page.header("Content-Security-Policy")
    report.check(
        "Content-Security-Policy with a nonce",
        "default-src 'self'" in csp and "'nonce-" in csp,
        csp or "missing",
    )
    hsts = page.header("Strict-Transport-Security")
    report.check("Strict-Transport-Security", "max-age=63072000" in hsts, hsts or "missing")
    report.check(
        "X-Frame-Options DENY and nosniff",
        page.header("X-Frame-Options") == "DENY"
        and page.header("X-Content-Type-Options") == "nosniff",
    )
    cookies = page.headers.get_all("Set-Cookie") or []
    report.check(
        "its cookies are __Host- and Secure",
        bool(cookies) and all(c.startswith("__Host-") and "Secure" in c for c in cookies),
        "; ".join(cookies) or "no cookie",
    )
    encodings = page.headers.get_all("Content-Encoding") or []
    html = b""
    with contextlib.suppress(OSError):
        html = gzip.decompress(page.body)
    report.check(
        "the page is compressed once (by the app), and is the sign-in form",
        encodings == ["gzip"] and b'name="password"' in html,
        f"Content-Encoding {encodings}",
    )
    redirect = plain_request(plain, "GET", SIGN_IN)
    report.check(
        "plain HTTP redirects to HTTPS",
        redirect.status == 301 and redirect.header("Location") == f"https://{HOST}{SIGN_IN}",
        f"{redirect.status} {redirect.header('Location')}",
    )
    limit = size_bytes(
        re.search(r"client_max_body_size\s+(\S+);", NGINX_SITE.read_text())[1]  # type: ignore[index]
    )
    big = https_request(https, cert, "POST", SIGN_IN, length=limit + 1)
    report.check("a request over nginx's body limit gets 413", big.status == 413, str(big.status))
    # An upload of the largest evidence file reaches the app (which refuses this one: no CSRF).
    near = https_request(
        https,
        cert,
        "POST",
        SIGN_IN,
        headers={"Content-Type": "application/octet-stream"},
        body=b"\0" * (limit - 2 * 1024**2),
    )
    report.check(
        f"a {(limit - 2 * 1024**2) // 1024**2} MB request passes nginx to the app",
        near.status == 403,
        f"status {near.status}",
    )
    print("web app on its socket, as nginx sends to it", flush=True)
    direct = send(UnixConnection(web_socket), "GET", SIGN_IN)
    report.check(
        "without X-Forwarded-Proto the app redirects to HTTPS",
        direct.status == 301 and direct.header("Location").startswith("https://"),
        f"{direct.status} {direct.header('Location')}",
    )
    proxied = send(
        UnixConnection(web_socket),
        "GET",
        SIGN_IN,
        headers={"X-Forwarded-Proto": "https", "X-Real-IP": "203.0.113.9"},
    )
    report.check(
        "with X-Forwarded-Proto: https: 200, CSP and HSTS",
        proxied.status == 200
        and bool(proxied.header("Content-Security-Policy"))
        and bool(proxied.header("Strict-Transport-Security")),
        f"status {proxied.status}",
    )


def check_client_address(report: Report, https: int, cert: Path, web_socket: Path) -> None:
    """The app counts a visitor by the address nginx saw, whatever headers the visitor sends:
    the API's per-address limit (API_RATE_PER_ADDRESS=5 in this run) shows which it used."""
    print("the visitor's address (nginx's header, TRUSTED_PROXIES)", flush=True)
    statuses = []
    for n in range(6):
        forged = f"198.51.100.{n + 1}"
        answer = https_request(
            https,
            cert,
            "GET",
            "/api/v1/people",
            headers={"X-Real-IP": forged, "X-Forwarded-For": forged},
        )
        statuses.append(answer.status)
    report.check(
        "six API requests with forged address headers through nginx: the sixth gets 429",
        statuses[:5] == [401] * 5 and statuses[5] == 429,
        f"statuses {statuses}",
    )
    other = send(
        UnixConnection(web_socket),
        "GET",
        "/api/v1/people",
        headers={"X-Forwarded-Proto": "https", "X-Real-IP": "192.0.2.44"},
    )
    report.check(
        "another address in nginx's header has its own count (not 429)",
        other.status == 401,
        f"status {other.status}",
    )


def check_static(report: Report, https: int, cert: Path, static_root: str) -> None:
    print("static files (nginx)", flush=True)
    manifest = json.loads((Path(static_root) / "staticfiles.json").read_text())
    hashed = next(v for k, v in manifest["paths"].items() if k.endswith(".css"))
    answer = https_request(https, cert, "GET", f"/static/{hashed}")
    report.check(
        f"/static/{hashed} answers 200, cached for good",
        answer.status == 200 and "max-age=315360000" in answer.header("Cache-Control"),
        f"{answer.status} {answer.header('Cache-Control')}",
    )
    compressed = https_request(
        https, cert, "GET", f"/static/{hashed}", headers={"Accept-Encoding": "gzip"}
    )
    report.check(
        "served compressed ahead (gzip_static)",
        compressed.header("Content-Encoding") == "gzip",
        compressed.header("Content-Encoding") or "not compressed",
    )


def check_worker(report: Report, stage: Stage) -> None:
    """Two tasks queued by hand for the worker: the database upkeep, and the audit anchor (the
    chains' heads written outside the database, checked by check_anchors)."""
    print("task worker", flush=True)
    tasks = ("database_upkeep", "audit_anchor")
    output = run(
        stage,
        "enqueue",
        [
            str(DEPLOY / "manage.sh"),
            "shell",
            "-c",
            "from salvaguarda.core import tasks; "
            + "; ".join(f"print('task', tasks.{name}.enqueue().id)" for name in tasks),
        ],
        scripts_env(stage),
    )
    ids = re.findall(r"^task (\S+)$", output, re.M)
    if not report.check(
        f"tasks are queued ({', '.join(tasks)}; manage.sh shell, as the app role)",
        len(ids) == len(tasks),
        tail(output),
    ):
        return
    statuses: dict[str, str] = {}
    deadline = time.monotonic() + WAIT
    with psycopg.connect(stage.url("owner"), autocommit=True) as connection:
        while time.monotonic() < deadline:
            rows = connection.execute(
                "SELECT id::text, status, exception_class_path "
                "FROM django_tasks_database_dbtaskresult WHERE id::text = ANY(%s)",
                [ids],
            ).fetchall()
            statuses = {row[0]: f"{row[1]} {row[2]}".strip() for row in rows}
            if len(statuses) == len(ids) and all(
                value.startswith(("SUCCESSFUL", "FAILED")) for value in statuses.values()
            ):
                break
            time.sleep(0.5)
    report.check(
        "the worker runs them (SUCCESSFUL)",
        len(statuses) == len(ids) and all(v == "SUCCESSFUL" for v in statuses.values()),
        ", ".join(statuses.values()) or "not found",
    )
    # gunicorn's workers and the worker keep their connections (DB_CONN_MAX_AGE): whose are they?
    with psycopg.connect(stage.url("owner"), autocommit=True) as connection:
        users = {
            row[0]
            for row in connection.execute(
                "SELECT usename FROM pg_stat_activity WHERE datname = %s AND pid <> "
                "pg_backend_pid()",
                [stage.database],
            )
        }
    report.check(
        "the web app and the worker are connected as the application role only",
        users == {stage.roles["app"][0]},
        ", ".join(sorted(users)) or "no connection",
    )


def check_jobs(report: Report, stage: Stage) -> None:
    """Each timer's job once, all at the same time (as they may meet on a server)."""
    print("timers' jobs (each unit's ExecStart once, together)", flush=True)
    with concurrent.futures.ThreadPoolExecutor(len(JOBS)) as pool:
        futures = {
            job: pool.submit(run, stage, f"job-{job}", unit_command(unit), unit_env(stage, unit))
            for job in JOBS
            for unit in [unit_read(f"salvaguarda-{job}.service")]
        }
    for job, future in futures.items():
        try:
            output = future.result()
        except CheckFailed as failure:
            report.check(f"salvaguarda-{job}.service runs", False, str(failure))
            continue
        report.check(f"salvaguarda-{job}.service runs", True)
        if job == "backup":
            made = list((stage.tmp / "backups").glob("*.sgbackup"))
            report.check("the backup file is written", len(made) == 1, output.strip()[-200:])


def check_anchors(report: Report, stage: Stage, syslog: socket.socket) -> None:
    """The worker's anchor task wrote the audit chains' heads outside the database: in the
    anchor file (the units' LogsDirectory=) and to syslog (/dev/log on a server)."""
    print("audit anchors", flush=True)
    path = Path(env_file(stage.etc / "salvaguarda.env")["AUDIT_ANCHOR_FILE"])
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    report.check(
        "the audit heads are appended to AUDIT_ANCHOR_FILE",
        any("salvaguarda-audit-anchor" in line for line in lines),
        f"{len(lines)} lines in {path.name}",
    )
    messages = syslog_read(syslog)
    report.check(
        "and sent to syslog (AUDIT_ANCHOR_SYSLOG)",
        any("anchor" in message for message in messages),
        f"{len(messages)} messages",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--admin-url",
        default=os.environ.get(
            "PROD_CHECK_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL role that may create databases and roles",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    options = parser.parse_args()
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        print("prod-check needs nginx: apt-get install nginx-light", file=sys.stderr)
        return 1
    started = time.monotonic()
    suffix = secrets.token_hex(4)
    tmp = Path(tempfile.mkdtemp(prefix="salvaguarda-prodcheck-"))
    (tmp / "logs").mkdir()
    stage = Stage(
        tmp=tmp,
        admin_url=options.admin_url,
        database=f"prodcheck_{suffix}",
        roles={
            kind: (f"prodcheck_{kind}_{suffix}", secrets.token_urlsafe(24))
            for kind in ("owner", "app", "backup")
        },
    )
    report = Report()
    print(f"prod-check in {tmp} (database {stage.database})", flush=True)
    try:
        with contextlib.ExitStack() as cleanup:
            database_create(stage)
            cleanup.callback(database_drop, stage)
            cleanup.callback(stop_all, stage, report)
            syslog = syslog_listen(stage)
            cleanup.callback(syslog.close)
            settings = etc_write(stage)
            check_files(report, settings)
            print("deploy/upgrade.sh --no-install --no-restart", flush=True)
            upgrade_started = time.monotonic()
            output = run(
                stage,
                "upgrade",
                [str(DEPLOY / "upgrade.sh"), "--no-install", "--no-restart"],
                scripts_env(stage),
            )
            report.check(
                "upgrade: migrations, grant_app_role, check --deploy clean "
                f"({time.monotonic() - upgrade_started:.0f} s)",
                "System check identified no issues" in output,
                tail(output),
            )
            print("starting the units", flush=True)
            web = web_start(stage, unit_read("salvaguarda-web.service"))
            report.check("gunicorn is ready (Type=notify, socket activation)", True)
            worker = unit_read("salvaguarda-worker.service")
            start(stage, "worker", unit_command(worker), unit_env(stage, worker))
            https, plain, cert = nginx_start(stage, web, settings["STATIC_ROOT"])
            report.check("nginx -t accepts the example, and serves", True)
            check_web(report, https, plain, cert, web)
            check_client_address(report, https, cert, web)
            check_static(report, https, cert, settings["STATIC_ROOT"])
            check_worker(report, stage)
            check_jobs(report, stage)
            check_anchors(report, stage, syslog)
            print("stopping", flush=True)
    except (CheckFailed, OSError, psycopg.Error, subprocess.SubprocessError) as error:
        report.check("the stack runs", False, str(error))
    finally:
        if report.failures or options.keep:
            print(f"logs kept in {tmp / 'logs'}")
            for name, _ in stage.processes:
                log = stage.log(name)
                if report.failures and log.exists():
                    print(f"--- {log.name}\n{tail(log.read_text(errors='replace'))}")
            if not options.keep:  # no secrets left behind
                shutil.rmtree(tmp / "etc", ignore_errors=True)
                shutil.rmtree(tmp / "credentials", ignore_errors=True)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    seconds = time.monotonic() - started
    if report.failures:
        print(
            f"prod-check FAILED: {len(report.failures)} of "
            f"{len(report.failures) + report.passed} checks, {seconds:.0f} s"
        )
        for failure in report.failures:
            print(f"  - {failure.splitlines()[0]}")
        return 1
    print(
        f"prod-check passed: {report.passed} checks in {seconds:.0f} s; database and roles "
        "dropped, processes stopped."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
