"""Name search over encrypted names, through blind-index tokens (never by decrypting rows).

- `terms`: the terms of a name, their keyed hashes and each person's `NameToken` rows;
- `query`: what a search looks for (words, nicknames, typo neighbours, a birth date);
- `candidates`: one SQL statement that brings the best few hundred people, fast at a million;
- `ranking`: the fine ranking of those from their own tokens, and the cut-off.

Hashes are HMAC-SHA-256 truncated to 64 bits (signed, to fit a BIGINT), keyed with a sub-key
of the organization's active data key: tokens of two organizations never compare, and they
are rebuilt when the key is rotated (`rebuild_organization_tokens`). Changing the terms or the
phonetic rules also needs a rebuild of every organization's tokens (a migration that calls
it, or `manage.py rebuild_name_tokens`). What the tokens reveal: docs/security.md.
"""

from salvaguarda.people.search.query import (
    UNREADABLE_BIRTH,
    BirthQuery,
    Query,
    parse_birth,
    parse_query,
)
from salvaguarda.people.search.ranking import Ranking, rank_persons, search_persons
from salvaguarda.people.search.terms import (
    name_token_rows,
    name_tokens_refresh,
    rebuild_organization_tokens,
)

__all__ = [
    "UNREADABLE_BIRTH",
    "BirthQuery",
    "Query",
    "Ranking",
    "name_token_rows",
    "name_tokens_refresh",
    "parse_birth",
    "parse_query",
    "rank_persons",
    "rebuild_organization_tokens",
    "search_persons",
]
