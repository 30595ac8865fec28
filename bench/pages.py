"""Every page on a phone on a slow connection: load time and bytes at 360 px on emulated slow 3G.

`python -m bench.pages` (`make bench-pages`) starts the app as the browser tests do (its own
temporary directory and SQLite database, the demo network seeded, the records of
tests/browser/every_page_data.py added), signs in once in Debian's Chromium and opens every page
that tests/browser/test_every_page.py visits, through Chromium's network emulation: 400 kbit/s
down and up, 400 ms round trip (Network.emulateNetworkConditions), browser cache off, so each
page pays for its CSS and scripts as on a first visit. It prints, per page, the time from the
start of navigation to the load event and the bytes that crossed the network, then the slowest
pages and the count over the 2 s target; `--json FILE` writes the figures too.

A timing is a measurement, never a test: the tests assert byte sizes and Tab stops instead.
The server is Django's development server (as in the browser tests): static files leave it
uncompressed, so the figures are an upper bound of what WhiteNoise's precompressed files give.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SLOW_3G = {
    "offline": False,
    "latency": 400,  # ms, round trip
    "downloadThroughput": 400_000 / 8,  # bytes per second
    "uploadThroughput": 400_000 / 8,
}
TARGET_SECONDS = 2.0

TIMING_JS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  return {
    seconds: (nav.loadEventEnd - nav.startTime) / 1000,
    html_bytes: nav.transferSize,
    html_decoded: nav.decodedBodySize,
    bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
    requests: 1 + resources.length,
  };
}"""


def _setup_django(var_dir: Path) -> None:
    os.environ.setdefault("SALVAGUARDA_ENV", "development")
    os.environ["SALVAGUARDA_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salvaguarda.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def measure(*, chromium: str) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    from salvaguarda.core.access import Policy
    from salvaguarda.core.tests.test_url_isolation import routes
    from tests.browser.conftest import CHROMIUM_ARGS, _free_port, _server_env, _wait_until_up
    from tests.browser.support import LOCAL_HOST, AppServer, submit
    from tests.browser.test_every_page import NOT_PAGES, prepare, url_of

    var_dir = Path(tempfile.mkdtemp(prefix="salvaguarda-pages-"))
    port = _free_port()
    server = AppServer(
        url=f"http://{LOCAL_HOST}:{port}",
        var_dir=var_dir,
        env=_server_env(var_dir, f"http://{LOCAL_HOST}:9/"),
        quick_exit_url=f"http://{LOCAL_HOST}:9/",
    )
    server.env["LOG_LEVEL"] = "WARNING"
    server.manage("migrate", "--noinput", "-v0")
    server.manage("seed_demo", "--if-empty")
    first_line = (var_dir / "demo-logins.txt").read_text(encoding="utf-8").splitlines()[0]
    server.password = first_line.split(":", 1)[1].strip()
    with server.log_path.open("wb") as log:
        server.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", f"{LOCAL_HOST}:{port}", "--noreload"],
            cwd=ROOT,
            env=server.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    figures: list[dict[str, Any]] = []
    try:
        _wait_until_up(server)
        values = prepare(server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context(
                base_url=server.url,
                viewport={"width": 360, "height": 740},
                locale="es-MX",
                timezone_id="America/Tijuana",
            )
            context.set_default_timeout(60_000)
            page = context.new_page()
            code = server.code_soon(values["email"])
            page.goto("/cuenta/entrar/")
            page.locator("#id_email").fill(values["email"])
            page.locator("#id_password").fill(server.password)
            submit(page)
            page.locator("#id_code").fill(code())
            submit(page)
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            pages = [
                r
                for r in routes()
                if not r.is_api
                and r.name not in NOT_PAGES
                and r.policy not in (Policy.PUBLIC, Policy.NETWORK_ADMIN)
            ]
            for route in pages:
                url = url_of(route, values)
                page.goto(url, wait_until="load")
                figure = page.evaluate(TIMING_JS)
                figure.update(route=route.name, url=url)
                figures.append(figure)
                print(  # noqa: T201
                    f"{figure['seconds']:6.2f} s {figure['bytes'] / 1000:7.1f} kB "
                    f"(HTML {figure['html_bytes'] / 1000:5.1f} kB sent, "
                    f"{figure['html_decoded'] / 1000:6.1f} kB read)  {route.name}",
                    flush=True,
                )
            browser.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
    return figures


def summary(figures: list[dict[str, Any]]) -> str:
    seconds = sorted(f["seconds"] for f in figures)
    over = [f for f in figures if f["seconds"] >= TARGET_SECONDS]
    slowest = [
        f"{f['route']} {f['seconds']:.2f} s ({f['bytes'] // 1000} kB)"
        for f in sorted(figures, key=lambda f: f["seconds"], reverse=True)[:5]
    ]
    lines = [
        f"{len(figures)} pages at 360 px on slow 3G (400 kbit/s, 400 ms), cache off:",
        f"  median {statistics.median(seconds):.2f} s, slowest {seconds[-1]:.2f} s, "
        f"{len(over)} at or over {TARGET_SECONDS:.0f} s",
        "  slowest: " + "; ".join(slowest),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    options = parser.parse_args(argv)
    _setup_django(Path(tempfile.mkdtemp(prefix="salvaguarda-bench-pages-")))
    started = time.monotonic()
    figures = measure(chromium=options.chromium)
    print(summary(figures))  # noqa: T201
    print(f"({time.monotonic() - started:.0f} s in all)")  # noqa: T201
    if options.json:
        options.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0 if all(f["seconds"] < TARGET_SECONDS for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
