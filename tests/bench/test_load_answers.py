"""The mixed load test tells its answers apart: by kind of request and status, 429s apart from
errors, a request left without an answer, and each wrk thread as a client of its own address.
Against a stub server on 127.0.0.1 that answers each kind of request in its own way."""

import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import load

# What the stub answers, by the start of the path.
ANSWERS = {
    "/api/": (429, {"Retry-After": "30"}, b'{"detail": "Too many requests."}'),
    "/corte/": (500, {}, b"Server Error (500)"),
    "/cuenta/entrar/": (302, {"Location": "/cuenta/entrar/?next=/"}, b""),
    "/personas/nueva/": (200, {}, b'<ul class="errorlist"><li>Required</li></ul>'),
    "/personas/": (200, {}, b"<h1>P-000001</h1>"),
}


class Stub(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    addresses: set[str] = set()

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        Stub.addresses.add(self.headers.get("X-Forwarded-For", ""))
        if self.path.startswith("/personas/busqueda/"):  # the connection drops, no answer
            self.close_connection = True
            return
        status, headers, body = next(a for p, a in ANSWERS.items() if self.path.startswith(p))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET


@pytest.fixture
def server() -> Iterator[int]:
    if shutil.which("wrk") is None:
        reason = "wrk is not installed (make bench and .ci/run install Debian's wrk)."
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)  # never skipped in CI
        pytest.skip(reason)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(httpd.server_address[1])
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_answers_are_tallied_by_kind_with_429_apart(server: int, tmp_path: Path) -> None:
    requests = tmp_path / "requests"
    requests.write_text(
        "GET\t/personas/0f8e2c1a-5d4b-4e8f-9a1b-2c3d4e5f6a7b/\t\t-\t\tperson\n"
        "GET\t/api/v1/people?page=2\t\t\tBearer sg_abc\tapi\n"
        "GET\t/corte/?day=2026-12-08\t\t-\t\thearings\n"
        "POST\t/cuenta/entrar/\temail=a%40b.org&password=x\tsg_session=k1\t\tsign_in\n"
        "POST\t/personas/nueva/\tmember-TOTAL_FORMS=1\t-\t\tregister\n"
        "GET\t/personas/busqueda/7d1c0b9e-3f2a-4b5c-8d6e-9f0a1b2c3d4e/\t\tsg_session=k2\t\tsearch\n"
        "GET\t/personas/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/\t\t-\t\tperson\n"
        "GET\t/personas/1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e/\t\t-\t\tperson\n"
    )
    sessions = tmp_path / "sessions"
    sessions.write_text("sg_session=s1\nsg_session=s2\n")
    figures = load.wrk(server, load.LOAD_SCRIPT, requests, sessions, 3)

    by_kind = figures["by_kind"]
    assert set(by_kind["person"]) == {"ok"}
    assert set(by_kind["api"]) == {"429"}
    assert set(by_kind["hearings"]) == {"500"}
    assert set(by_kind["sign_in"]) == {"302>/cuenta/entrar/?next"}
    assert set(by_kind["register"]) == {"200-form-error"}
    assert set(by_kind["search"]) == {"no-answer"}
    assert figures["limited"] == by_kind["api"]["429"] > 0
    wrong = ("hearings", "sign_in", "register")
    assert figures["errors"] == sum(sum(by_kind[kind].values()) for kind in wrong)
    assert figures["no_answer"] == by_kind["search"]["no-answer"] > 0
    # Each of the 8 threads is a client with its own address.
    assert {f"10.8.0.{n}" for n in range(1, load.THREADS + 1)} <= Stub.addresses
    table = "\n".join(load.answers_table(figures))
    assert f"{by_kind['api']['429']} × 429" in table
    assert f"{by_kind['hearings']['500']} × 500" in table
