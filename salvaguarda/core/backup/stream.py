"""The encrypted container of a backup: AES-256-GCM in chunks, readable and writable as a stream.

Layout (integers big-endian):

    header  b"SGB1" | version (1 byte, 1) | chunk size (4 bytes) | salt (16 bytes)
            | key id (8 bytes: a fingerprint of the backup key, not the key)
    frames  for each chunk of clear bytes, in order:
            nonce (12 bytes) | ciphertext (as long as the chunk) | GCM tag (16 bytes)

The chunks are sealed with a key derived from the backup key and the salt (HKDF-SHA-256), so
no two backups share a key. Every chunk but the last holds exactly "chunk size" bytes; the last
holds the rest, possibly nothing. Each frame is authenticated with
`b"salvaguarda-backup" | header | chunk index (8 bytes) | 1 if last else 0`: a changed byte
anywhere (header included), a frame removed, reordered, repeated or cut off makes reading fail
with `BackupDamaged`. A wrong key is told apart by the key id, before anything is decrypted.
"""

import hashlib
import os
import struct
from pathlib import Path
from types import TracebackType
from typing import Self

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from salvaguarda.lib.streams import read_full

MAGIC = b"SGB1"
VERSION = 1
HEADER = struct.Struct(">4sBI16s8s")
CHUNK_SIZE = 4 * 1024 * 1024
MAX_CHUNK_SIZE = 64 * 1024 * 1024
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32
AAD_PREFIX = b"salvaguarda-backup"


class BackupError(Exception):
    """A backup cannot be made or opened; the message says why, for the operator."""


class WrongBackupKey(BackupError):
    pass


class BackupDamaged(BackupError):
    pass


def backup_key_id(key: bytes) -> bytes:
    """8 bytes that name the key (a one-way fingerprint): written in every backup's header."""
    return hashlib.sha256(b"salvaguarda-backup-key-id" + key).digest()[:8]


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise BackupError(f"The backup key must be {KEY_BYTES} bytes.")


def _stream_key(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=b"salvaguarda-backup-stream"
    ).derive(key)
    return AESGCM(derived)


def _associated(header: bytes, index: int, final: bool) -> bytes:
    return AAD_PREFIX + header + struct.pack(">QB", index, 1 if final else 0)


class EncryptingWriter:
    """A write-only file object: what is written lands encrypted in PATH.

    The file is written under a temporary name beside PATH (mode 0600), flushed to disk and
    renamed on `close()`; `abort()` (or an exception inside `with`) removes it, so no
    half-written backup ever carries a final name.
    """

    def __init__(self, path: Path, key: bytes, *, chunk_size: int = CHUNK_SIZE) -> None:
        _check_key(key)
        if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
            raise ValueError(f"chunk_size must be between 1 and {MAX_CHUNK_SIZE}.")
        self.path = path
        self._partial = path.with_name(f".{path.name}.partial")
        salt = os.urandom(16)
        self._header = HEADER.pack(MAGIC, VERSION, chunk_size, salt, backup_key_id(key))
        self._aead = _stream_key(key, salt)
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self._index = 0
        self.closed = False
        descriptor = os.open(
            self._partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600
        )
        self._out = os.fdopen(descriptor, "wb")
        self._out.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        self._buffer += data
        # Keep at least one byte back: the last frame must be sealed as the last.
        while len(self._buffer) > self._chunk_size:
            self._seal(bytes(self._buffer[: self._chunk_size]), final=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def flush(self) -> None:
        pass

    def _seal(self, chunk: bytes, *, final: bool) -> None:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, chunk, _associated(self._header, self._index, final))
        self._out.write(nonce + sealed)
        self._index += 1

    def close(self) -> None:
        if self.closed:
            return
        self._seal(bytes(self._buffer), final=True)
        self._buffer.clear()
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        os.replace(self._partial, self.path)
        _sync_directory(self.path.parent)
        self.closed = True

    def abort(self) -> None:
        if not self.closed:
            self._out.close()
            self._partial.unlink(missing_ok=True)
            self.closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


class DecryptingReader:
    """A read-only file object over an encrypted backup: each chunk is authenticated before
    any of its bytes is returned. A wrong key raises `WrongBackupKey` at once; damage raises
    `BackupDamaged` when the reading reaches it."""

    def __init__(self, path: Path, key: bytes) -> None:
        _check_key(key)
        self.path = path
        self._in = path.open("rb")
        try:
            header = read_full(self._in, HEADER.size)
            if len(header) != HEADER.size:
                raise BackupDamaged(f"{path} is not a Salvaguarda backup (too short).")
            magic, version, chunk_size, salt, key_id = HEADER.unpack(header)
            if magic != MAGIC:
                raise BackupDamaged(f"{path} is not a Salvaguarda backup.")
            if version != VERSION or not 1 <= chunk_size <= MAX_CHUNK_SIZE:
                raise BackupDamaged(
                    f"{path} is a backup of a format this version cannot read, or its header "
                    "was altered."
                )
            if key_id != backup_key_id(key):
                raise WrongBackupKey(
                    f"{path} was made with another backup key (key id {key_id.hex()}; the "
                    f"configured key's id is {backup_key_id(key).hex()})."
                )
        except BaseException:
            self._in.close()
            raise
        self._header = header
        self._aead = _stream_key(key, salt)
        self._frame_size = chunk_size + NONCE_BYTES + TAG_BYTES
        self._index = 0
        self._next_frame = read_full(self._in, self._frame_size)
        self._buffer = b""
        self._position = 0  # in _buffer: what was read of it already
        self._done = False
        self.closed = False

    def readable(self) -> bool:
        return True

    def _open_next(self) -> None:
        frame = self._next_frame
        following = read_full(self._in, self._frame_size) if len(frame) == self._frame_size else b""
        final = not following
        if len(frame) < NONCE_BYTES + TAG_BYTES:
            raise BackupDamaged(f"{self.path} is cut short (chunk {self._index}).")
        try:
            chunk = self._aead.decrypt(
                frame[:NONCE_BYTES],
                frame[NONCE_BYTES:],
                _associated(self._header, self._index, final),
            )
        except InvalidTag as exc:
            raise BackupDamaged(
                f"{self.path} was altered or is damaged (chunk {self._index} fails its "
                "authentication): it cannot be trusted."
            ) from exc
        self._buffer = self._buffer[self._position :] + chunk
        self._position = 0
        self._next_frame = following
        self._index += 1
        self._done = final

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) - self._position < size):
            self._open_next()
        end = len(self._buffer) if size < 0 else self._position + size
        data = self._buffer[self._position : end]
        self._position += len(data)
        return data

    def close(self) -> None:
        self._in.close()
        self.closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _sync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
