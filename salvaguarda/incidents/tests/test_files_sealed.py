"""Sealed evidence files: only the right key and context read them back, whole and unchanged."""

import hashlib
import io
import os
import stat
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from salvaguarda.incidents.files import sealed
from salvaguarda.incidents.files.sealed import (
    SealedFile,
    open_sealed,
    remove_sealed,
    seal_to,
    sealed_sha256,
    sha256_of,
)
from salvaguarda.lib.crypto import DecryptionError

CHUNK = 1000
FRAME = CHUNK + sealed.FRAME_OVERHEAD
CONTEXT = b"evidence:6f1c2a9e-3b7d-4c55-9a0e-2f8b1d4c7e10"
TESTIMONY = ("Testimonio: nos detuvieron en el retén del kilómetro 27. " * 100).encode()[:5700]


def seal(directory: Path, data: bytes, chunk_size: int = CHUNK) -> SealedFile:
    return seal_to(directory, io.BytesIO(data), context=CONTEXT, chunk_size=chunk_size)


def read(directory: Path, stored: SealedFile, context: bytes = CONTEXT) -> bytes:
    return b"".join(open_sealed(directory, stored.name, key=stored.key, context=context))


def tamper(path: Path, change: Callable[[bytes], bytes]) -> None:
    path.write_bytes(change(path.read_bytes()))


def frames(blob: bytes) -> tuple[bytes, list[bytes]]:
    header = blob[: sealed.HEADER.size]
    body = blob[sealed.HEADER.size :]
    return header, [body[i : i + FRAME] for i in range(0, len(body), FRAME)]


class TestRoundTrip:
    @pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, 3 * CHUNK, len(TESTIMONY)])
    def test_what_goes_in_comes_out(self, tmp_path: Path, size: int) -> None:
        data = (TESTIMONY * 2)[:size]
        stored = seal(tmp_path, data)
        assert read(tmp_path, stored) == data
        assert stored.size == size
        assert stored.sha256 == hashlib.sha256(data).hexdigest()
        assert sealed_sha256(tmp_path, stored.name, key=stored.key, context=CONTEXT) == (
            stored.sha256
        )

    def test_chunks_come_out_one_by_one(self, tmp_path: Path) -> None:
        stored = seal(tmp_path, TESTIMONY)
        chunks = list(open_sealed(tmp_path, stored.name, key=stored.key, context=CONTEXT))
        assert [len(chunk) for chunk in chunks] == [CHUNK] * 5 + [700]

    def test_the_default_chunk_size(self, tmp_path: Path) -> None:
        data = os.urandom(2 * sealed.CHUNK_SIZE + 123)
        stored = seal_to(tmp_path, io.BytesIO(data), context=CONTEXT)
        assert read(tmp_path, stored) == data
        header = (tmp_path / stored.name).read_bytes()[: sealed.HEADER.size]
        assert header == b"SGE1\x01" + struct.pack(">I", sealed.CHUNK_SIZE)

    def test_the_whole_source_is_sealed_from_its_start(self, tmp_path: Path) -> None:
        source = io.BytesIO(TESTIMONY)
        source.seek(100)
        assert read(tmp_path, seal_to(tmp_path, source, context=CONTEXT)) == TESTIMONY


class TestAtRest:
    def test_a_random_name_mode_600_no_clear_text(self, tmp_path: Path) -> None:
        directory = tmp_path / "evidence" / "org"
        stored = seal(directory, TESTIMONY)
        path = directory / stored.name
        assert len(stored.name) == 32 and int(stored.name, 16) >= 0
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        assert os.listdir(directory) == [stored.name]  # no temporary file left behind
        blob = path.read_bytes()
        assert blob.startswith(b"SGE1")
        assert b"Testimonio" not in blob and "retén".encode() not in blob
        assert stored.key not in blob

    def test_each_file_has_its_own_key_and_name(self, tmp_path: Path) -> None:
        first, second = seal(tmp_path, TESTIMONY), seal(tmp_path, TESTIMONY)
        assert first.name != second.name
        assert first.key != second.key and len(first.key) == 32
        assert first.sha256 == second.sha256
        assert (tmp_path / first.name).read_bytes() != (tmp_path / second.name).read_bytes()

    def test_the_key_is_never_printed(self, tmp_path: Path) -> None:
        stored = seal(tmp_path, TESTIMONY)
        assert stored.key.hex() not in repr(stored) and str(stored.key) not in repr(stored)
        assert stored.name in repr(stored)

    def test_a_failed_write_leaves_nothing(self, tmp_path: Path) -> None:
        class Failing(io.BytesIO):
            def read(self, size: int | None = -1) -> bytes:
                if self.tell() >= 2 * CHUNK:
                    raise OSError("the upload was interrupted")
                return super().read(size)

        with pytest.raises(OSError, match="interrupted"):
            seal_to(tmp_path, Failing(TESTIMONY), context=CONTEXT, chunk_size=CHUNK)
        assert os.listdir(tmp_path) == []

    def test_a_context_is_required(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError):
            seal_to(tmp_path, io.BytesIO(TESTIMONY), context=b"")


class TestTampering:
    @pytest.mark.parametrize("context", [CONTEXT[:-1] + b"1", CONTEXT + b"0", CONTEXT[:-1]])
    def test_a_wrong_context_fails_at_once(self, tmp_path: Path, context: bytes) -> None:
        stored = seal(tmp_path, TESTIMONY)
        with pytest.raises(DecryptionError):
            open_sealed(tmp_path, stored.name, key=stored.key, context=context)

    def test_a_wrong_key_fails_at_once(self, tmp_path: Path) -> None:
        stored = seal(tmp_path, TESTIMONY)
        with pytest.raises(DecryptionError):
            open_sealed(tmp_path, stored.name, key=os.urandom(32), context=CONTEXT)

    @pytest.mark.parametrize("position", [2, sealed.HEADER.size + 20, 3 * FRAME, -1])
    def test_a_flipped_byte_fails(self, tmp_path: Path, position: int) -> None:
        stored = seal(tmp_path, TESTIMONY)

        def flip(blob: bytes) -> bytes:
            changed = bytearray(blob)
            changed[position] ^= 0x01
            return bytes(changed)

        tamper(tmp_path / stored.name, flip)
        with pytest.raises(DecryptionError):
            read(tmp_path, stored)

    def test_the_last_chunk_removed_fails(self, tmp_path: Path) -> None:
        stored = seal(tmp_path, TESTIMONY)
        tamper(tmp_path / stored.name, lambda blob: blob[: -(700 + sealed.FRAME_OVERHEAD)])
        with pytest.raises(DecryptionError):
            read(tmp_path, stored)

    def test_cut_at_a_chunk_boundary_fails(self, tmp_path: Path) -> None:
        stored = seal(tmp_path, TESTIMONY[: 4 * CHUNK])  # four full chunks, the last one final
        tamper(tmp_path / stored.name, lambda blob: blob[:-FRAME])
        with pytest.raises(DecryptionError):
            read(tmp_path, stored)

    def test_a_few_bytes_cut_or_added_fail(self, tmp_path: Path) -> None:
        for change in (lambda blob: blob[:-5], lambda blob: blob + b"\x00" * 5):
            stored = seal(tmp_path, TESTIMONY)
            tamper(tmp_path / stored.name, change)
            with pytest.raises(DecryptionError):
                read(tmp_path, stored)

    def test_a_chunk_appended_fails(self, tmp_path: Path) -> None:
        stored = seal(tmp_path, TESTIMONY[: 3 * CHUNK])

        def repeat_first(blob: bytes) -> bytes:
            header, parts = frames(blob)
            return header + b"".join(parts) + parts[0]

        tamper(tmp_path / stored.name, repeat_first)
        with pytest.raises(DecryptionError):
            read(tmp_path, stored)

    def test_two_chunks_swapped_fail(self, tmp_path: Path) -> None:
        stored = seal(tmp_path, TESTIMONY)

        def swap(blob: bytes) -> bytes:
            header, parts = frames(blob)
            parts[1], parts[2] = parts[2], parts[1]
            return header + b"".join(parts)

        tamper(tmp_path / stored.name, swap)
        with pytest.raises(DecryptionError):
            read(tmp_path, stored)

    def test_a_chunk_from_another_file_fails(self, tmp_path: Path) -> None:
        first, second = seal(tmp_path, TESTIMONY), seal(tmp_path, TESTIMONY.upper())
        _header, foreign = frames((tmp_path / second.name).read_bytes())

        def graft(blob: bytes) -> bytes:
            header, parts = frames(blob)
            parts[1] = foreign[1]
            return header + b"".join(parts)

        tamper(tmp_path / first.name, graft)
        with pytest.raises(DecryptionError):
            read(tmp_path, first)

    def test_a_forged_header_is_refused_before_reading(self, tmp_path: Path) -> None:
        stored = seal(tmp_path, TESTIMONY)
        path = tmp_path / stored.name
        for header in (b"SGE1\x01" + struct.pack(">I", 2**31), b"SGE2\x01\x00\x00\x03\xe8", b""):
            path.write_bytes(header)
            with pytest.raises(DecryptionError):
                open_sealed(tmp_path, stored.name, key=stored.key, context=CONTEXT)
        path.write_bytes(b"SGE1\x01" + struct.pack(">I", 500) + b"\x00" * 2000)
        with pytest.raises(DecryptionError):  # a valid-looking header on frames of nothing
            read(tmp_path, stored)

    def test_the_header_is_authenticated(self, tmp_path: Path) -> None:
        stored = seal(tmp_path, TESTIMONY[:500])  # one frame, which would fit 2000-byte chunks
        tamper(tmp_path / stored.name, lambda blob: blob[:5] + struct.pack(">I", 2000) + blob[9:])
        with pytest.raises(DecryptionError):
            read(tmp_path, stored)


class TestNamesAndRemoval:
    @pytest.mark.parametrize(
        "name",
        ["../" + "a" * 29, "A" * 32, "a" * 31, "a" * 33, "a" * 32 + "\n", "/etc/passwd", ""],
    )
    def test_only_32_lowercase_hex_characters(self, tmp_path: Path, name: str) -> None:
        with pytest.raises(ValueError):
            open_sealed(tmp_path, name, key=os.urandom(32), context=CONTEXT)
        with pytest.raises(ValueError):
            remove_sealed(tmp_path, name)

    def test_remove(self, tmp_path: Path) -> None:
        stored = seal(tmp_path, TESTIMONY)
        remove_sealed(tmp_path, stored.name)
        assert os.listdir(tmp_path) == []
        remove_sealed(tmp_path, stored.name)  # already gone: fine
        with pytest.raises(FileNotFoundError):
            open_sealed(tmp_path, stored.name, key=stored.key, context=CONTEXT)


def test_sha256_of_a_stream() -> None:
    stream = io.BytesIO(TESTIMONY)
    stream.seek(50)
    assert sha256_of(stream) == hashlib.sha256(TESTIMONY).hexdigest()
    assert stream.tell() == 0
