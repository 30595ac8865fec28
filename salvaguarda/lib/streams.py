"""Reading a stream whole, whatever its short reads."""

from typing import BinaryIO


def read_full(source: BinaryIO, count: int) -> bytes:
    """COUNT bytes, fewer only at the end of SOURCE (a stream may return short reads)."""
    parts: list[bytes] = []
    missing = count
    while missing > 0:
        part = source.read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)
