"""Signing in and out as a person does, in a real browser, and leaving nothing behind."""

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.support import (
    NOTHING_STORED,
    STORAGE_STATE_JS,
    AppServer,
    Session,
    demo_email,
    html_lang,
    spanish,
    submit,
)

pytestmark = pytest.mark.browser


def test_sign_in_language_organization_and_sign_out_leave_nothing_behind(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None], app_server: AppServer
) -> None:
    session = new_session()
    page = session.page
    email = demo_email("legal.tij")

    sign_in(page, email)

    assert html_lang(page) == "es"
    assert "TIJ" in page.get_by_test_id("active-organization").inner_text()
    assert "Albergue Frontera Tijuana (demo)" in page.locator("main").inner_text()
    spanish_heading = page.locator("h1").inner_text()

    # Language: the footer buttons switch the whole page, and back.
    page.locator("footer").get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("h1").inner_text() == "Welcome"
    assert page.locator("#logout").inner_text() == "Sign out"
    page.locator("footer").get_by_role("button", name="Español").click()
    page.wait_for_function("document.documentElement.lang === 'es'")
    for selector, msgid in (("h1", "Welcome"), ("#logout", "Sign out")):
        assert page.locator(selector).inner_text() == (spanish(msgid) or msgid)
    assert page.locator("h1").inner_text() == spanish_heading

    # Organization: legal.tij also works for the Mexicali clinic.
    switch = page.locator("#membership-switch")
    mxl = switch.locator("option", has_text="MXL").get_attribute("value")
    switch.select_option(mxl)
    with page.expect_navigation(url=f"{app_server.url}/"):
        page.locator("footer form:has(#membership-switch) button[type=submit]").click()
    assert "MXL" in page.get_by_test_id("active-organization").inner_text()
    assert "Clínica Jurídica Mexicali (demo)" in page.locator("main").inner_text()

    # Open a case page, so that the back button has one to return to after signing out.
    page.goto("/personas/")
    page.locator("table.list tbody a").first.click()
    page.wait_for_url("**/personas/*-*-*-*-*/")
    case_url = page.url
    case_name = page.locator("h1").inner_text()
    assert case_name.strip()

    cookies = session.context.cookies(app_server.url)
    assert {c["name"] for c in cookies} <= {"sg_session", "sg_language"}
    assert all(c["httpOnly"] for c in cookies)
    assert page.evaluate(STORAGE_STATE_JS) == NOTHING_STORED

    with page.expect_response(lambda r: r.url.endswith("/cuenta/salir/")) as logout:
        page.locator("#logout").click()
    assert logout.value.status == 200
    clear = logout.value.header_value("clear-site-data") or ""
    for kind in ('"cache"', '"cookies"', '"storage"'):
        assert kind in clear
    page.wait_for_url("**/cuenta/salir/")
    # The signed-out page must be rendered after signing out: nothing of the account on it.
    assert page.locator("#logout").count() == 0, "the signed-out page is rendered signed in"
    assert page.get_by_test_id("active-organization").count() == 0
    assert "Elena Abogada Demo" not in page.content()

    assert session.context.cookies(app_server.url) == []
    assert page.evaluate(STORAGE_STATE_JS) == NOTHING_STORED

    # Back: the case page is not kept (no-store) and the session is over.
    page.go_back()
    page.wait_for_url("**/cuenta/entrar/**")
    assert case_name not in page.content()
    assert page.url != case_url


def test_sign_out_wipes_what_a_script_left_in_browser_storage(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None], app_server: AppServer
) -> None:
    """Clear-Site-Data: even if something wrote to storage, signing out removes it."""
    session = new_session()
    page = session.page
    sign_in(page, demo_email("admin.red"))
    page.evaluate(
        """async () => {
            localStorage.setItem("left", "behind");
            await new Promise((done, fail) => {
                const request = indexedDB.open("left-behind");
                request.onsuccess = () => { request.result.close(); done(); };
                request.onerror = fail;
            });
            await (await caches.open("left-behind")).put("/x", new Response("x"));
        }"""
    )
    stored = page.evaluate(STORAGE_STATE_JS)
    assert stored["localStorage"] == 1 and stored["indexedDB"] and stored["caches"]

    page.locator("#logout").click()
    page.wait_for_url("**/cuenta/salir/")

    assert session.context.cookies(app_server.url) == []
    assert page.evaluate(STORAGE_STATE_JS) == NOTHING_STORED


def test_wrong_password_and_wrong_code_show_an_error_and_keep_the_email(
    new_session: Callable[..., Session], app_server: AppServer
) -> None:
    page = new_session().page
    email = demo_email("caso.cjs")
    error = page.locator("main .errorlist, main .nonfield")

    def try_password(password: str) -> None:
        page.locator("#id_email").fill(email)
        page.locator("#id_password").fill(password)
        submit(page)

    # In Spanish, the default.
    page.goto("/cuenta/entrar/")
    assert html_lang(page) == "es"
    try_password("not-the-password")
    assert page.url.split("?")[0].endswith("/cuenta/entrar/")
    spanish_error = error.first.inner_text()
    assert spanish_error.strip()
    wrong_password = "The e-mail or the password is not correct."
    assert spanish_error == (spanish(wrong_password) or wrong_password)
    assert page.locator("#id_email").input_value() == email
    assert page.locator("#id_password").input_value() == ""

    # In English.
    page.locator("footer").get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    try_password("still-not-the-password")
    assert error.first.inner_text() == wrong_password
    assert page.locator("#id_email").input_value() == email

    # The right password, then a wrong code.
    try_password(app_server.password)
    page.wait_for_url("**/cuenta/entrar/codigo/**")
    right = app_server.code(email)
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    page.locator("#id_code").fill(wrong)
    submit(page)
    assert page.url.split("?")[0].endswith("/cuenta/entrar/codigo/")
    assert error.first.inner_text() == "The code is not correct or was already used."
    assert page.locator("#logout").count() == 0

    # A wrong code does not lock the person out: the right one still works.
    page.locator("#id_code").fill(right)
    submit(page)
    page.wait_for_url(f"{app_server.url}/")
    assert "CJS" in page.get_by_test_id("active-organization").inner_text()


def _open_a_case(page: Any) -> str:
    page.goto("/personas/")
    page.locator("table.list tbody a").first.click()
    page.wait_for_url("**/personas/*-*-*-*-*/")
    return page.locator("h1").inner_text()


def _assert_left_and_signed_out(session: Session, app_server: AppServer, case_name: str) -> None:
    page = session.page
    try:
        page.wait_for_url(app_server.quick_exit_url, timeout=5_000)
    except Exception as error:  # Playwright is imported only once Chromium is known to exist
        # CSP `form-action` also governs the redirect that answers the quick-exit form.
        page.wait_for_timeout(300)  # let the browser's console reports arrive
        pytest.fail(
            f"Quick exit did not leave {page.url}: {error.__class__.__name__}. "
            f"CSP reports: {session.csp_violations}"
        )
    assert page.locator("h1").inner_text() == "El clima de hoy"
    assert session.context.cookies(app_server.url) == []
    # Back does not bring the case back.
    page.go_back()
    page.wait_for_url("**/cuenta/entrar/**")
    assert case_name not in page.content()
    # Nor does typing the address.
    page.goto("/")
    page.wait_for_url("**/cuenta/entrar/**")
    assert page.locator("#logout").count() == 0


def test_quick_exit_button_leaves_at_once_and_ends_the_session(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None], app_server: AppServer
) -> None:
    session = new_session()
    sign_in(session.page, demo_email("coordinacion.tij"))
    case_name = _open_a_case(session.page)

    responses: list[Any] = []
    session.page.on("response", lambda response: responses.append(response))
    session.page.locator("#quick-exit").click()
    _assert_left_and_signed_out(session, app_server, case_name)

    (exit_response,) = [r for r in responses if r.url.endswith("/cuenta/salida-rapida/")]
    assert exit_response.status == 302
    clear = exit_response.header_value("clear-site-data") or ""
    for kind in ('"cache"', '"cookies"', '"storage"'):
        assert kind in clear


def test_pressing_escape_three_times_is_a_quick_exit(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None], app_server: AppServer
) -> None:
    session = new_session()
    sign_in(session.page, demo_email("coordinacion.mxl"))
    case_name = _open_a_case(session.page)

    for _ in range(3):
        session.page.keyboard.press("Escape")
    _assert_left_and_signed_out(session, app_server, case_name)
