"""Evidence files at rest: each one encrypted with its own random key (AES-256-GCM).

The caller keeps the key, encrypted under the organization's data key, next to the file's row:
rotating or destroying the organization's key (crypto-shredding) therefore reaches the files
too. On disk a file has a random name (nothing derived from the uploaded name) and this layout
(integers big-endian):

    header  b"SGE1" | format version (1 byte, 1) | chunk size (4 bytes)
    frames  for each chunk of clear bytes, in order:
            nonce (12 bytes) | ciphertext (as long as the chunk) | GCM tag (16 bytes)

Every chunk but the last holds exactly "chunk size" clear bytes (1 MiB unless told otherwise);
the last holds the rest, possibly nothing (an empty file is one empty last chunk). Each frame is
authenticated together with:

    b"salvaguarda-evidence" | header | length of context (4 bytes) | context
        | chunk index (8 bytes) | 1 if it is the last chunk else 0 (1 byte)

so a frame decrypts only in its own file (the key, and the context: the caller passes e.g. the
evidence row's uuid), at its own place, with the same header; removing, reordering, repeating or
appending frames, or swapping them between files, makes reading fail with DecryptionError.

A file is written under a temporary name in the same folder, flushed to disk, then renamed: no
half-written file ever carries a final name. Files are mode 0600, the folder 0700.
"""

import contextlib
import hashlib
import os
import re
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from salvaguarda.lib import crypto
from salvaguarda.lib.streams import read_full

MAGIC = b"SGE1"
VERSION = 1
HEADER = struct.Struct(">4sBI")
CHUNK_SIZE = 1024 * 1024
MAX_CHUNK_SIZE = 16 * 1024 * 1024  # a header may not make a reader allocate more than this
TAG_BYTES = 16
FRAME_OVERHEAD = crypto.NONCE_BYTES + TAG_BYTES
AAD_PREFIX = b"salvaguarda-evidence"
NAME = re.compile(r"[0-9a-f]{32}")
READ_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class SealedFile:
    name: str  # 32 lowercase hex characters: the file's name inside the folder
    size: int  # clear bytes
    sha256: str  # of the clear bytes, hex: shown to users for the chain of custody
    key: bytes  # 32 random bytes, for this file only: store it encrypted, never in clear

    def __repr__(self) -> str:  # never print the key into a log or a traceback
        return f"SealedFile(name={self.name!r}, size={self.size}, sha256={self.sha256!r})"


def seal_to(
    directory: Path, source: BinaryIO, *, context: bytes, chunk_size: int = CHUNK_SIZE
) -> SealedFile:
    """Encrypt all of SOURCE (from its start) into a new file in DIRECTORY.

    CONTEXT (not empty) must be given again to read the file back.
    """
    if not context:
        raise ValueError("A sealed file needs a context (e.g. the evidence's uuid).")
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be between 1 and {MAX_CHUNK_SIZE}.")
    if not directory.is_dir():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = secrets.token_hex(16)
    key = crypto.new_key()
    header = HEADER.pack(MAGIC, VERSION, chunk_size)
    digest = hashlib.sha256()
    size = 0
    if source.seekable():
        source.seek(0)
    temporary = directory / f".{name}.partial"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(header)
            index = 0
            chunk = read_full(source, chunk_size)
            while True:
                following = read_full(source, chunk_size) if len(chunk) == chunk_size else b""
                final = not following
                digest.update(chunk)
                size += len(chunk)
                out.write(crypto.seal(key, chunk, _associated(header, context, index, final)))
                if final:
                    break
                chunk = following
                index += 1
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, directory / name)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(directory)
    return SealedFile(name=name, size=size, sha256=digest.hexdigest(), key=key)


def open_sealed(directory: Path, name: str, *, key: bytes, context: bytes) -> Iterator[bytes]:
    """The clear bytes of a sealed file, chunk by chunk.

    The header and the first chunk are checked at once: a wrong key or context, or a file that
    is not a sealed file, raises crypto.DecryptionError from this call. Later chunks are
    checked as they are read; a file cut short or altered further on raises DecryptionError
    while iterating (so verify the whole file, e.g. with `sealed_sha256`, before streaming it
    where a failure half-way would be a problem). A missing file raises FileNotFoundError.
    Iterate to the end, or close() the iterator, to close the file.
    """
    path = _path(directory, name)
    _check_key(key)
    handle = path.open("rb")
    try:
        header = read_full(handle, HEADER.size)
        chunk_size = _chunk_size(header)
        frames = _frames(handle, header, chunk_size, key, context)
        first = next(frames)
    except BaseException:
        handle.close()
        raise
    return _stream(handle, first, frames)


def sealed_sha256(directory: Path, name: str, *, key: bytes, context: bytes) -> str:
    """SHA-256 (hex) of a sealed file's clear bytes: re-checks the chain of custody."""
    digest = hashlib.sha256()
    for chunk in open_sealed(directory, name, key=key, context=context):
        digest.update(chunk)
    return digest.hexdigest()


def remove_sealed(directory: Path, name: str) -> None:
    """Delete a sealed file; a missing one is fine. (Destroying its key is what makes it
    unreadable for good: copies in backups stay encrypted.)"""
    _path(directory, name).unlink(missing_ok=True)
    _sync_directory(directory)


def sha256_of(source: BinaryIO) -> str:
    """SHA-256 (hex) of all of SOURCE, which is left rewound to its start."""
    digest = hashlib.sha256()
    source.seek(0)
    try:
        while block := source.read(READ_BLOCK):
            digest.update(block)
    finally:
        source.seek(0)
    return digest.hexdigest()


def _path(directory: Path, name: str) -> Path:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ValueError("A sealed file's name is 32 lowercase hexadecimal characters.")
    return directory / name


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) != crypto.KEY_BYTES:
        raise ValueError(f"A sealed file's key is {crypto.KEY_BYTES} bytes.")


def _associated(header: bytes, context: bytes, index: int, final: bool) -> bytes:
    return b"".join(
        (
            AAD_PREFIX,
            header,
            struct.pack(">I", len(context)),
            context,
            struct.pack(">QB", index, 1 if final else 0),
        )
    )


def _chunk_size(header: bytes) -> int:
    if len(header) != HEADER.size:
        raise crypto.DecryptionError("This is not a sealed evidence file.")
    magic, version, chunk_size = HEADER.unpack(header)
    if magic != MAGIC or version != VERSION or not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise crypto.DecryptionError("This is not a sealed evidence file (or not this version).")
    return int(chunk_size)


def _frames(
    handle: BinaryIO, header: bytes, chunk_size: int, key: bytes, context: bytes
) -> Iterator[bytes]:
    frame_size = chunk_size + FRAME_OVERHEAD
    index = 0
    frame = read_full(handle, frame_size)
    while True:
        following = read_full(handle, frame_size) if len(frame) == frame_size else b""
        final = not following
        if len(frame) < FRAME_OVERHEAD:
            raise crypto.DecryptionError("The sealed file is cut short.")
        yield crypto.unseal(key, frame, _associated(header, context, index, final))
        if final:
            return
        frame = following
        index += 1


def _stream(handle: BinaryIO, first: bytes, frames: Iterator[bytes]) -> Iterator[bytes]:
    try:
        yield first
        yield from frames
    finally:
        handle.close()


def _sync_directory(directory: Path) -> None:
    """Make a rename or a deletion in DIRECTORY durable (where the system allows it)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
