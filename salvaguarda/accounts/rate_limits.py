"""Counting requests per key in fixed windows of time, shared by every worker process.

`hit(keys, window_seconds)` adds one request to each key's count in the current window and
returns the counts. The count is kept in the database by default: one atomic upsert per key
(`INSERT ... ON CONFLICT DO UPDATE ... RETURNING`, on PostgreSQL and SQLite alike), so two
processes, or two connections, never read the same count. When `RATE_LIMIT_CACHE` names a
cache (Redis: `RATE_LIMIT_REDIS_URL`), the counts are kept there instead with its atomic
increment, which spares the database one write per request.

Keys are HMACs of what they count (a token, an address): no clear value is stored.
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils.crypto import salted_hmac

from salvaguarda.accounts.models import RateCount


def key_of(*parts: str) -> str:
    return salted_hmac("salvaguarda.rate-limit", "|".join(parts), algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class Window:
    start: int  # seconds since the epoch
    seconds: int

    @classmethod
    def current(cls, seconds: int, now: float | None = None) -> "Window":
        moment = int(time.time() if now is None else now)
        return cls(start=moment - moment % seconds, seconds=seconds)

    def seconds_left(self, now: float | None = None) -> int:
        """Whole seconds until the window ends (at least 1): the Retry-After of a refusal."""
        moment = time.time() if now is None else now
        return max(1, int(self.start + self.seconds - moment + 0.999))


def hit(keys: Sequence[str], window: Window) -> list[int]:
    """Count one request for each key in `window`; the counts, including this request."""
    alias = settings.SALVAGUARDA_RATE_LIMIT_CACHE
    if alias:
        return [_cache_hit(alias, key, window) for key in keys]
    return [_database_hit(key, window) for key in keys]


def _database_hit(key: str, window: Window) -> int:
    quote = connection.ops.quote_name
    table, key_, window_, count_ = (
        quote(name) for name in (RateCount._meta.db_table, "key", "window", "count")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_}, {window_}, {count_}) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({key_}, {window_}) DO UPDATE SET {count_} = {table}.{count_} + 1 "
            f"RETURNING {count_}",
            [key, window.start],
        )
        (count,) = cursor.fetchone()
    if count == 1:  # the key's first request of a window: forget the windows before
        RateCount.objects.filter(key=key, window__lt=window.start).delete()
        if hash(key) % 64 == 0:  # now and then, the finished windows of every key
            RateCount.objects.filter(window__lt=window.start - window.seconds).delete()
    return int(count)


def _cache_hit(alias: str, key: str, window: Window) -> int:
    cache = caches[alias]
    name = f"rate:{key}:{window.start}"
    # add() creates the counter only if it is missing; incr() is atomic on Redis.
    cache.add(name, 0, timeout=window.seconds * 2)
    return int(cache.incr(name))
