"""Rate limits of the API, the client's address behind proxies, and sign-in attempts counted
atomically (issue 16 §2)."""

import os
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock, skipUnless

import redis
import time_machine
from django.contrib import auth
from django.core.cache import caches
from django.db import connections
from django.test import RequestFactory, TestCase, TransactionTestCase, override_settings

from salvaguarda.accounts import rate_limits, services
from salvaguarda.accounts.addresses import client_address
from salvaguarda.accounts.models import LoginFailure, RateCount
from salvaguarda.core.tests.helpers import PASSWORD, ApiCalls, Cast, UserFactory
from salvaguarda.core.tests.test_backup import _file_database, _own_connection, _temporary_folder

NOW = datetime(2026, 3, 2, 15, 0, 10, tzinfo=UTC)  # 10 s into a minute


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(n)` in `count` threads started together, each on a connection of its own to
    the test's database; their results, or the exception each raised."""
    settings_dict = dict(connections["default"].settings_dict)
    results: list[Any] = [None] * count
    start = threading.Barrier(count)

    def run(n: int) -> None:
        with _own_connection(settings_dict):
            try:
                start.wait()
                results[n] = work(n)
            except Exception as error:  # noqa: BLE001 - reported by the test
                results[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@override_settings(SALVAGUARDA_API_RATE_PER_TOKEN=3, SALVAGUARDA_API_RATE_PER_ADDRESS=0)
class PerTokenTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def setUp(self) -> None:
        self.secret = self.token_for(self.cast.coordinator)

    def test_past_the_limit_a_token_gets_429_with_retry_after_until_the_window_ends(self) -> None:
        with time_machine.travel(NOW, tick=False):
            for _ in range(3):
                self.assertEqual(self.call("get", "/people").status_code, 200)
            refused = self.call("get", "/people", HTTP_ACCEPT_LANGUAGE="en")
            self.assertEqual(refused.status_code, 429)
            self.assertEqual(refused["Retry-After"], "50")
            self.assertIn("Too many requests", refused.json()["detail"])
            other = self.token_for(self.cast.caseworker)
            self.assertEqual(self.call("get", "/people", secret=other).status_code, 200)
        with time_machine.travel(NOW + timedelta(seconds=50), tick=False):
            self.assertEqual(self.call("get", "/people").status_code, 200)

    def test_pages_are_not_counted(self) -> None:
        with time_machine.travel(NOW, tick=False):
            for _ in range(5):
                self.client.get("/")
            self.assertEqual(self.call("get", "/people").status_code, 200)


@override_settings(SALVAGUARDA_API_RATE_PER_TOKEN=0, SALVAGUARDA_API_RATE_PER_ADDRESS=3)
class PerAddressTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_wrong_tokens_count_against_the_address(self) -> None:
        with time_machine.travel(NOW, tick=False):
            answers = [
                self.call("get", "/people", secret=f"sgt_guess{n}").status_code for n in range(4)
            ]
            self.assertEqual(answers, [401, 401, 401, 429])
            right = self.token_for(self.cast.coordinator)
            self.assertEqual(self.call("get", "/people", secret=right).status_code, 429)
            elsewhere = self.call("get", "/people", secret=right, REMOTE_ADDR="10.9.8.7")
            self.assertEqual(elsewhere.status_code, 200)

    @override_settings(
        SALVAGUARDA_CLIENT_ADDRESS_HEADER="X-Forwarded-For", SALVAGUARDA_TRUSTED_PROXIES=1
    )
    def test_a_forged_forwarded_for_does_not_escape_the_limit(self) -> None:
        with time_machine.travel(NOW, tick=False):
            answers = [
                self.call(
                    "get",
                    "/people",
                    secret=f"sgt_guess{n}",
                    HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7",
                ).status_code
                for n in range(4)
            ]
        self.assertEqual(answers, [401, 401, 401, 429])


@override_settings(SALVAGUARDA_API_RATE_PER_TOKEN=0, SALVAGUARDA_API_RATE_PER_ADDRESS=0)
class NoLimitTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_a_limit_of_zero_is_off(self) -> None:
        self.secret = self.token_for(self.cast.coordinator)
        for _ in range(5):
            self.assertEqual(self.call("get", "/people").status_code, 200)
        self.assertFalse(RateCount.objects.exists())


class ClientAddressTests(TestCase):
    def address(self, remote: str = "10.0.0.1", **headers: str) -> str:
        return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))

    def test_without_a_header_it_is_the_connections(self) -> None:
        self.assertEqual(self.address(HTTP_X_FORWARDED_FOR="1.2.3.4"), "10.0.0.1")

    @override_settings(SALVAGUARDA_CLIENT_ADDRESS_HEADER="X-Forwarded-For")
    def test_it_is_the_rightmost_address_no_trusted_proxy_is(self) -> None:
        sent = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 1.2.3.4, 172.16.0.5"}
        with self.settings(SALVAGUARDA_TRUSTED_PROXIES=1):
            self.assertEqual(self.address(**sent), "172.16.0.5")
        with self.settings(SALVAGUARDA_TRUSTED_PROXIES=2):
            self.assertEqual(self.address(**sent), "1.2.3.4")
        with self.settings(SALVAGUARDA_TRUSTED_PROXIES=0):
            self.assertEqual(self.address(**sent), "10.0.0.1")
        with self.settings(SALVAGUARDA_TRUSTED_PROXIES=5):  # a chain shorter than the proxies
            self.assertEqual(self.address(**sent), "6.6.6.6")

    @override_settings(
        SALVAGUARDA_CLIENT_ADDRESS_HEADER="X-Forwarded-For", SALVAGUARDA_TRUSTED_PROXIES=1
    )
    def test_what_the_client_adds_on_the_left_changes_nothing(self) -> None:
        plain = self.address(HTTP_X_FORWARDED_FOR="198.51.100.7")
        forged = self.address(HTTP_X_FORWARDED_FOR="127.0.0.1, 9.9.9.9, 198.51.100.7")
        self.assertEqual(plain, forged)
        self.assertEqual(plain, "198.51.100.7")

    @override_settings(SALVAGUARDA_CLIENT_ADDRESS_HEADER="X-Real-IP")
    def test_a_single_address_header_and_a_broken_one(self) -> None:
        self.assertEqual(self.address(HTTP_X_REAL_IP="198.51.100.7"), "198.51.100.7")
        self.assertEqual(self.address(HTTP_X_REAL_IP="not-an-address"), "10.0.0.1")
        self.assertEqual(self.address(), "10.0.0.1")


class SignInForgedAddressTests(TestCase):
    @override_settings(
        SALVAGUARDA_CLIENT_ADDRESS_HEADER="X-Forwarded-For",
        SALVAGUARDA_TRUSTED_PROXIES=1,
        SALVAGUARDA_LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS=3,
    )
    def test_a_client_sending_its_own_forwarded_for_is_throttled(self) -> None:
        UserFactory(email="rosa@example.org")
        for n in range(3):
            self.client.post(
                "/cuenta/entrar/",
                {"email": "rosa@example.org", "password": "wrong guess"},
                HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7",
            )
        with self.assertRaisesMessage(services.LoginError, ""):
            request = RequestFactory().post("/", HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7")
            services.password_step(request, "rosa@example.org", PASSWORD)


class ConcurrencyTests(TransactionTestCase):
    """Many connections at once, on PostgreSQL and on SQLite (a WAL file, as in production:
    the suite's in-memory database cannot take writes from two connections)."""

    def setUp(self) -> None:
        super().setUp()
        if connections["default"].vendor == "sqlite":
            folder = Path(self.enterContext(_temporary_folder()))
            self.enterContext(_file_database(folder / "limits.sqlite3"))

    def test_counts_from_many_connections_are_never_lost_or_shared(self) -> None:
        window = rate_limits.Window.current(60)
        key = rate_limits.key_of("test", "one key")
        counts = in_threads(8, lambda n: [rate_limits.hit([key], window)[0] for _ in range(5)])
        flat = [count for found in counts for count in found]
        self.assertEqual(sorted(flat), list(range(1, 41)), counts)
        self.assertEqual(RateCount.objects.get(key=key).count, 40)

    @override_settings(
        SALVAGUARDA_LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS=5,
        SALVAGUARDA_LOGIN_FAILURES_PER_ADDRESS=100,
    )
    def test_25_parallel_wrong_passwords_check_at_most_5(self) -> None:
        # Threads of other tests commit on connections of their own: start from no failures.
        LoginFailure.objects.all().delete()
        RateCount.objects.all().delete()
        caches["default"].clear()
        email = f"rosa-{uuid.uuid4().hex[:8]}@example.org"
        address = f"2001:db8::{uuid.uuid4().hex[:4]}"
        UserFactory(email=email)
        checked = []
        real = auth.authenticate

        def counting(*args: Any, **kwargs: Any) -> Any:
            checked.append(1)
            return real(*args, **kwargs)

        def guess(n: int) -> str:
            request = RequestFactory().post("/", REMOTE_ADDR=address)
            try:
                services.password_step(request, email, f"wrong guess {n}")
            except services.LoginError as refusal:
                return str(refusal)
            return "signed in"

        with mock.patch.object(auth, "authenticate", counting):
            answers = in_threads(25, guess)
        errors = [answer for answer in answers if isinstance(answer, Exception)]
        self.assertEqual(errors, [])
        self.assertEqual(len(checked), 5)  # the attempts take turns: exactly the first 5
        self.assertEqual(LoginFailure.objects.filter(scope="account_address").count(), len(checked))


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REDIS_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "rate-limits": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"salvaguarda-test-{uuid.uuid4().hex}",
    },
}


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":  # CI has the server: its absence is a failure
            raise
        return False


@skipUnless(_redis_reachable(), f"no Redis server at {REDIS_URL} (TEST_REDIS_URL)")
@override_settings(CACHES=REDIS_CACHES, SALVAGUARDA_RATE_LIMIT_CACHE="rate-limits")
class RedisCountTests(TestCase):
    """With RATE_LIMIT_REDIS_URL the counts go to a real Redis server (the one configured by
    TEST_REDIS_URL, a database of its own): nothing is written to the database, and requests
    counted at once from many threads each get a count of their own."""

    def tearDown(self) -> None:
        caches["rate-limits"].clear()
        caches["rate-limits"].close()

    def test_counts_go_to_redis_and_start_again_each_window(self) -> None:
        key = rate_limits.key_of("test", "cached")
        first = rate_limits.Window.current(60, now=NOW.timestamp())
        counts = [rate_limits.hit([key], first)[0] for _ in range(3)]
        self.assertEqual(counts, [1, 2, 3])
        after = rate_limits.Window.current(60, now=NOW.timestamp() + 60)
        self.assertEqual(rate_limits.hit([key], after), [1])
        self.assertFalse(RateCount.objects.exists())

    def test_parallel_requests_never_read_the_same_count(self) -> None:
        key = rate_limits.key_of("test", "parallel")
        window = rate_limits.Window.current(60, now=NOW.timestamp())
        start = threading.Barrier(8)
        seen: list[int] = []
        lock = threading.Lock()

        def work() -> None:
            start.wait()
            for _ in range(25):
                (count,) = rate_limits.hit([key], window)
                with lock:
                    seen.append(count)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(seen), list(range(1, 201)))
