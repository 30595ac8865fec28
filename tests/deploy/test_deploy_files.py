"""The files of deploy/ agree with each other and with what production settings require.

`make prod-check` starts them for real (deploy/prod_check.py); these checks are the part that
needs no server, so that `make test` catches a unit or an example drifting on its own.
"""

import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _load(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, DEPLOY / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def prod_check() -> ModuleType:
    _load("prod_stack")
    return _load("prod_check")


SERVICES = sorted(p.name for p in (DEPLOY / "systemd").glob("*.service"))


def test_the_settings_example_is_for_production_and_holds_no_secret(prod_check):
    settings = prod_check.env_file(DEPLOY / "salvaguarda.env.example")
    assert settings["SALVAGUARDA_ENV"] == "production"
    for secret in ("SECRET_KEY", "SALVAGUARDA_MASTER_KEY", "SALVAGUARDA_BACKUP_KEY"):
        assert secret not in settings, f"{secret} belongs in /etc/salvaguarda/credentials/"
    assert settings["EVIDENCE_DIR"].startswith(settings["SALVAGUARDA_VAR_DIR"])


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_gets_the_secrets_production_requires_as_credentials(prod_check, name):
    unit = prod_check.unit_read(name)
    for credential, variable in [
        ("secret_key", "SECRET_KEY_FILE"),
        ("master_key", "SALVAGUARDA_MASTER_KEY_FILE"),
        ("audit_key", "SALVAGUARDA_AUDIT_KEY_FILE"),
    ]:
        assert unit.credentials[credential] == f"/etc/salvaguarda/credentials/{credential}"
        assert unit.environment[variable] == f"%d/{credential}"
    assert unit.environment_file == "/etc/salvaguarda/salvaguarda.env"
    assert unit.exec_start[0].startswith("/opt/salvaguarda/.venv/bin/")


def test_only_the_backup_job_gets_the_backup_key_and_role(prod_check):
    for name in SERVICES:
        unit = prod_check.unit_read(name)
        has = {"backup_key", "backup_database_url"} & set(unit.credentials)
        assert bool(has) == (name == "salvaguarda-backup.service"), name


def test_every_job_has_its_timer():
    for service in SERVICES:
        if service in {"salvaguarda-web.service", "salvaguarda-worker.service"}:
            continue
        timer = (DEPLOY / "systemd" / service.replace(".service", ".timer")).read_text()
        assert re.search(r"^OnCalendar=", timer, re.M), service


def test_the_deploy_files_agree(prod_check, capsys):
    if shutil.which("systemd-analyze") is None and os.environ.get("CI") != "true":
        pytest.skip("systemd-analyze is not installed (CI has it)")
    report = prod_check.Report()
    settings = prod_check.env_file(DEPLOY / "salvaguarda.env.example")
    prod_check.check_files(report, settings)
    assert report.failures == []
    assert report.passed > 10


def test_a_body_limit_below_the_evidence_limit_is_caught(prod_check, tmp_path, monkeypatch):
    site = (DEPLOY / "nginx" / "salvaguarda.conf").read_text()
    bad = tmp_path / "salvaguarda.conf"
    bad.write_text(site.replace("client_max_body_size 110m;", "client_max_body_size 50m;"))
    monkeypatch.setattr(prod_check, "NGINX_SITE", bad)
    report = prod_check.Report()
    settings = prod_check.env_file(DEPLOY / "salvaguarda.env.example")
    prod_check.check_files(report, settings)
    assert any("body limit" in failure for failure in report.failures)
