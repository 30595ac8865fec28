"""Case data typed in a browser: kept only encrypted, seen only by the right people and roles,
and usable on a small phone under a strict Content Security Policy."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.support import (
    LOCAL_HOST,
    PHONE,
    AppServer,
    Session,
    assert_fits,
    demo_email,
    not_local,
    submit,
)

pytestmark = pytest.mark.browser


def register_person(page: Any, given: str, family: str, born: str = "1987-03-09") -> str:
    """Register a person through the form; return the URL of their page."""
    page.goto("/personas/nueva/")
    page.locator("#id_member-0-given_names").fill(given)
    page.locator("#id_member-0-first_surname").fill(family)
    page.locator("#id_member-0-date_of_birth").fill(born)
    page.locator("#id_city").select_option("tijuana")
    page.locator("#id_consent").check()
    submit(page, "button.primary")
    page.wait_for_url("**/personas/*-*-*-*-*/")
    return str(page.url)


def variants(value: str) -> set[bytes]:
    """The ways a value could sit in a file: as typed, case-folded, as UTF-16 text."""
    forms = {value, value.lower(), value.upper()}
    return {f.encode(enc) for f in forms for enc in ("utf-8", "utf-16-le")}


def test_registered_names_are_stored_encrypted_and_hidden_from_other_roles(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None], app_server: AppServer
) -> None:
    given = "Canario" + uuid.uuid4().hex
    family = uuid.uuid4().hex
    caseworker = new_session()
    page = caseworker.page
    sign_in(page, demo_email("caso.tij"))

    person_url = register_person(page, given, family)
    assert page.locator("h1").inner_text() == f"{given} {family}"
    # Found again by name (searched by POST, never in a URL).
    page.goto("/personas/")
    page.locator("#id_name").fill(given)
    submit(page)
    page.locator("table.list tbody tr", has_text=given).locator("a").click()
    page.wait_for_url(person_url)
    assert all(given not in url and family not in url for url in caseworker.requested)

    # Nowhere in clear: database (and its write-ahead log on SQLite), server log.
    stored = app_server.database_contents()
    places = {**stored, "server log": app_server.log_path.read_bytes()}
    # Control: the scan does see what the server wrote (the person's row, the request line).
    person_uuid = uuid.UUID(person_url.rstrip("/").rsplit("/", 1)[-1])
    rows = b"".join(stored.values())
    assert person_uuid.hex.encode() in rows or str(person_uuid).encode() in rows
    assert str(person_uuid).encode() in places["server log"]
    for where, content in places.items():
        for canary in (given, family, given.removeprefix("Canario")):
            found = [v for v in variants(canary) if v in content]
            assert found == [], f"{canary!r} is readable in the {where}"

    # An analyst of the same organization reads aggregates, not case files.
    analyst = new_session()
    sign_in(analyst.page, demo_email("analisis.tij"))
    response = analyst.page.goto(person_url)
    assert response is not None
    assert response.status == 404
    assert given not in analyst.page.content()
    assert family not in analyst.page.content()


def _script_sources(csp: str) -> list[str]:
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    return directives.get("script-src", directives.get("default-src", []))


def test_the_pages_work_on_a_small_phone_under_a_strict_policy(
    new_session: Callable[..., Session], app_server: AppServer
) -> None:
    session = new_session(viewport=PHONE, is_mobile=True, has_touch=True)
    page = session.page
    documents: list[Any] = []
    page.on(
        "response",
        lambda r: documents.append(r) if r.request.resource_type == "document" else None,
    )
    email = demo_email("caso.nld")

    code = app_server.code_soon(email)
    page.goto("/")
    page.wait_for_url("**/cuenta/entrar/**")
    assert_fits(page)
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(app_server.password)
    submit(page)
    page.wait_for_url("**/cuenta/entrar/codigo/**")
    assert_fits(page)
    page.locator("#id_code").fill(code())
    submit(page)
    page.wait_for_url(f"{app_server.url}/")
    assert_fits(page)

    page.goto("/personas/")
    assert_fits(page)
    register_person(page, "María Guadalupe de los Ángeles", "Hernández Castillo de la Cruz")
    assert_fits(page)
    page.goto("/personas/nueva/")
    submit(page, "button.primary")  # empty: the form comes back with its errors
    assert page.locator("main .errorlist").count() >= 1
    assert_fits(page)
    page.goto(f"/personas/{uuid.uuid4()}/")
    assert_fits(page)

    app_documents = [r for r in documents if r.url.startswith(app_server.url)]
    assert len(app_documents) >= 7
    for response in app_documents:
        csp = response.header_value("content-security-policy")
        assert csp, f"{response.url} has no Content-Security-Policy"
        sources = _script_sources(csp)
        assert sources, f"{response.url}: no script-src nor default-src"
        assert "'unsafe-inline'" not in sources, response.url
        assert "'unsafe-eval'" not in sources, response.url
        if response.status < 300 or response.status >= 400:  # a page, not a redirect
            assert any(s.startswith("'nonce-") for s in sources), response.url
    assert session.csp_violations == []
    assert not_local(session.requested) == []
    assert {r.split("/")[2].split(":")[0] for r in session.requested} == {LOCAL_HOST}
