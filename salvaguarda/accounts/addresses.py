"""The address of the client that sent a request, as the sign-in throttle and the rate limits
count it.

Without a reverse proxy it is the address of the connection (REMOTE_ADDR). Behind proxies,
`CLIENT_ADDRESS_HEADER` names the header they fill (X-Forwarded-For, or X-Real-IP) and
`TRUSTED_PROXIES` how many of them stand in front of the app. A proxy appends the address it
received the request from to X-Forwarded-For, so only the last `TRUSTED_PROXIES` entries
(counting the connection's own address) were written by a proxy we trust: the client is the
rightmost address that none of them is. Everything to its left was sent by the client and may
be forged: a client that sends its own X-Forwarded-For changes nothing. This holds only if the
app can be reached through the proxies alone (it listens on 127.0.0.1 or a private socket).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_address(request: HttpRequest) -> str:
    """The rightmost address of the request that no trusted proxy is."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    header = settings.SALVAGUARDA_CLIENT_ADDRESS_HEADER
    trusted = settings.SALVAGUARDA_TRUSTED_PROXIES
    if not header or trusted < 1:
        return remote
    meta_key = "HTTP_" + header.upper().replace("-", "_")
    listed = [part.strip() for part in str(request.META.get(meta_key, "")).split(",")]
    chain = [*(part for part in listed if part), remote]
    # chain[-1] is the nearest proxy (the connection), chain[-trusted] the farthest trusted one:
    # the client is the address just before them. A shorter chain did not pass every proxy:
    # its leftmost address is the one the first trusted proxy saw.
    candidate = chain[max(0, len(chain) - 1 - trusted)]
    # Something that is not an address (a proxy set up wrong): count the connection's.
    return candidate if _valid(candidate) else remote
