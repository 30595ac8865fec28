"""Shared test set-up: fast hashing, no outside network, and the cast of personas."""

import socket
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_and_offline(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in {"127.0.0.1", "localhost", "::1"} and not host.startswith("/"):
            raise RuntimeError(f"Tests may not reach the network ({host}).")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
