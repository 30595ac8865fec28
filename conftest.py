"""Shared test set-up: fast hashing, e-mail in memory, tasks run at once, no outside network."""

import atexit
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Evidence files written by the tests go to a folder of the run, never under var/.
    evidence = Path(tempfile.mkdtemp(prefix="salvaguarda-evidence-"))
    settings.SALVAGUARDA_EVIDENCE_DIR = evidence
    atexit.register(shutil.rmtree, evidence, ignore_errors=True)
    # No audit anchors (core.anchors) unless a test gives its own file: an anchor outlives the
    # test's database, and would not match the next test's chains.
    settings.SALVAGUARDA_AUDIT_ANCHOR_FILE = ""
    settings.SALVAGUARDA_AUDIT_ANCHOR_SYSLOG = ""


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        local = {"127.0.0.1", "localhost", "::1"}
        if isinstance(host, str) and host not in local and not host.startswith("/"):
            raise RuntimeError(f"Tests may not reach the network ({host}).")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Every test starts in the default language (Spanish), whatever a test before it activated
    (a sign-in activates the user's language for the rest of its thread)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
