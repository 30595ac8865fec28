"""check_upload: what a file is comes from its bytes; anything off the whitelist is refused."""

import bz2
import gzip
import io
import lzma
import os
import struct
import tarfile
import time
import wave
import zipfile
import zlib
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageFile

from salvaguarda.incidents.files import sniff
from salvaguarda.incidents.files.sniff import MIB, FileKind, RefusedFile, check_upload


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """The messages are asserted in English, whatever the catalog's default language."""
    with translation.override("en"):
        yield


LIMIT = 10 * MIB


def check(data: bytes, **options: int) -> FileKind:
    return check_upload(io.BytesIO(data), max_bytes=options.pop("max_bytes", LIMIT), **options)


def refusal(data: bytes, **options: int) -> RefusedFile:
    with pytest.raises(RefusedFile) as caught:
        check(data, **options)
    assert caught.value.message == str(caught.value)
    return caught.value


def image_bytes(fmt: str, size: tuple[int, int] = (64, 48), **params: object) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(buffer, fmt, **params)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bilevel_png(width: int, height: int, rows: int | None = None) -> bytes:
    """A black 1-bit PNG written row by row (Pillow would need width × height bytes)."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    block = row * 256
    count = height if rows is None else rows
    parts = [compressor.compress(block) for _ in range(count // 256)]
    parts.append(compressor.compress(row * (count % 256)))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", b"".join(parts))
        + png_chunk(b"IEND", b"")
    )


def ftyp(brand: bytes, *compatible: bytes) -> bytes:
    box = brand + b"\x00\x00\x02\x00" + b"".join(compatible)
    return (
        struct.pack(">I", 8 + len(box)) + b"ftyp" + box + b"\x00\x00\x00\x08free" + os.urandom(64)
    )


def ogg(packet: bytes) -> bytes:
    page = b"OggS\x00\x02" + b"\x00" * 8 + b"\x01\x00\x00\x00" + b"\x00" * 8
    return page + bytes((1, len(packet))) + packet


def wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * 800)
    return buffer.getvalue()


MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 413  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz
MPEG2_FRAME = b"\xff\xf3\x80\xc4" + b"\x00" * 204  # MPEG-2 Layer III, 64 kbit/s, 22.05 kHz


def id3(body: bytes = b"TIT2\x00\x00\x00\x05\x00\x00\x03abc", padding: int = 32) -> bytes:
    size = len(body) + padding
    syncsafe = bytes((size >> 21 & 0x7F, size >> 14 & 0x7F, size >> 7 & 0x7F, size & 0x7F))
    return b"ID3\x04\x00\x00" + syncsafe + body + b"\x00" * padding


WEBM = (
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
    b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02" + b"\x18\x53\x80\x67" + b"\x00" * 64
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def zip_of(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


class TestAccepted:
    @pytest.mark.parametrize(
        ("data", "kind"),
        [
            (image_bytes("JPEG"), sniff.JPEG),
            (image_bytes("PNG"), sniff.PNG),
            (image_bytes("WEBP"), sniff.WEBP),
            (image_bytes("WEBP", lossless=True), sniff.WEBP),
            (id3() + MP3_FRAME * 3, sniff.MP3),
            (MP3_FRAME * 3, sniff.MP3),
            (MPEG2_FRAME * 2, sniff.MP3),
            (ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), sniff.M4A),
            (ogg(b"OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00"), sniff.OGG),
            (ogg(b"\x01vorbis\x00\x00\x00\x00\x01\x44\xac\x00\x00"), sniff.OGG),
            (wav(), sniff.WAV),
            (b"#!AMR\n" + b"\x3c" + b"\x00" * 31, sniff.AMR),
            (b"#!AMR-WB\n" + b"\x24" + b"\x00" * 40, sniff.AMR_WB),
            (ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), sniff.MP4),
            (ftyp(b"mp42", b"mp42", b"isom"), sniff.MP4),
            (ftyp(b"qt  ", b"qt  "), sniff.MOV),
            (ftyp(b"3gp4", b"isom", b"3gp4"), sniff.THREE_GP),
            (ftyp(b"3g2a", b"3g2a"), sniff.THREE_G2),
            (WEBM, sniff.WEBM),
            (WEBM.replace(b"\x84webm", b"\x88matroska"), sniff.MATROSKA),
            (PDF, sniff.PDF),
        ],
        ids=lambda value: value.extension if isinstance(value, FileKind) else "",
    )
    def test_whitelisted_formats(self, data: bytes, kind: FileKind) -> None:
        assert check(data) == kind

    def test_categories(self) -> None:
        assert check(image_bytes("JPEG")).category == "photo"
        assert check(ftyp(b"M4A ")).category == "audio"
        assert check(ftyp(b"M4B ")).category == "audio"
        assert check(ftyp(b"mp42")).category == "video"
        assert check(ftyp(b"3gp5")).category == "video"
        assert check(WEBM).category == "video"
        assert check(PDF) == FileKind("application/pdf", "pdf", "document")

    def test_the_name_and_declared_type_are_ignored(self) -> None:
        upload = SimpleUploadedFile("photo.jpg", PDF, content_type="image/jpeg")
        assert check_upload(upload.file, max_bytes=LIMIT) == sniff.PDF  # type: ignore[arg-type]
        page = b"<html><script>alert(1)</script></html>"
        disguised = SimpleUploadedFile("photo.jpg", page, content_type="image/jpeg")
        with pytest.raises(RefusedFile) as caught:
            check_upload(disguised.file, max_bytes=LIMIT)  # type: ignore[arg-type]
        assert caught.value.code == "markup"
        photo = SimpleUploadedFile("declaration.pdf", image_bytes("JPEG"), "application/pdf")
        assert check_upload(photo, max_bytes=LIMIT) == sniff.JPEG  # type: ignore[arg-type]

    def test_the_stream_is_rewound_even_when_it_did_not_start_at_zero(self) -> None:
        data = image_bytes("PNG")
        stream = io.BytesIO(data)
        stream.seek(10)
        assert check_upload(stream, max_bytes=LIMIT) == sniff.PNG
        assert stream.tell() == 0
        assert stream.read() == data

    def test_the_stream_is_rewound_after_a_refusal(self) -> None:
        stream = io.BytesIO(b"<svg/>")
        with pytest.raises(RefusedFile):
            check_upload(stream, max_bytes=LIMIT)
        assert stream.tell() == 0


class TestSize:
    def test_empty(self) -> None:
        assert refusal(b"").code == "empty"

    def test_over_the_limit_names_it_in_megabytes(self) -> None:
        refused = refusal(b"%PDF-" + b"\x00" * 2 * MIB, max_bytes=2 * MIB)
        assert refused.code == "too_large"
        assert "2 MB" in refused.message

    def test_exactly_the_limit_is_accepted(self) -> None:
        assert check(PDF, max_bytes=len(PDF)) == sniff.PDF
        assert refusal(PDF, max_bytes=len(PDF) - 1).code == "too_large"

    def test_a_declared_size_is_not_trusted(self) -> None:
        upload = SimpleUploadedFile("small.pdf", PDF + b"\x00" * 5000)
        upload.size = 10  # what a client could claim
        with pytest.raises(RefusedFile) as caught:
            check_upload(upload, max_bytes=1000)  # type: ignore[arg-type]
        assert caught.value.code == "too_large"


class TestArchives:
    @pytest.mark.parametrize(
        ("data", "name"),
        [
            (zip_of({"a.txt": b"hello"}), "ZIP"),
            (gzip.compress(b"hello"), "GZIP"),
            (bz2.compress(b"hello"), "BZIP2"),
            (lzma.compress(b"hello"), "XZ"),
            (b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 32, "7-Zip"),
            (b"Rar!\x1a\x07\x01\x00" + b"\x00" * 32, "RAR"),
            (b"\x28\xb5\x2f\xfd" + b"\x00" * 32, "Zstandard"),
        ],
    )
    def test_refused_and_named(self, data: bytes, name: str) -> None:
        refused = refusal(data)
        assert refused.code == "archive"
        assert f"This file is a {name} archive, whatever its name says" in refused.message

    def test_tar(self) -> None:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
            info = tarfile.TarInfo("note.txt")
            info.size = 5
            archive.addfile(info, io.BytesIO(b"hello"))
        refused = refusal(buffer.getvalue())
        assert refused.code == "archive"
        assert "TAR" in refused.message

    def test_office_documents_are_archives_with_their_own_advice(self) -> None:
        docx = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
        refused = refusal(docx)
        assert refused.code == "archive"
        assert "save it as PDF" in refused.message
        mimetype = b"application/vnd.oasis.opendocument.text"
        odt = zip_of({"mimetype": mimetype, "content.xml": b"<x/>"}, zipfile.ZIP_STORED)
        assert "office document" in refusal(odt).message
        legacy = refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
        assert (legacy.code, "office document" in legacy.message) == ("unknown_type", True)

    def test_a_zip_bomb_is_refused_at_once_without_being_opened(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            with archive.open("photo.jpg", "w") as member:
                block = b"\x00" * MIB
                for _ in range(50):
                    member.write(block)
        bomb = buffer.getvalue()
        assert len(bomb) < MIB  # 50 MB of zeros in a few kilobytes

        def never(*args: object, **kwargs: object) -> None:
            raise AssertionError("the archive was opened")

        monkeypatch.setattr(zipfile.ZipFile, "__init__", never)
        monkeypatch.setattr(zlib, "decompressobj", never)
        started = time.perf_counter()
        refused = refusal(bomb)
        assert time.perf_counter() - started < 0.5
        assert refused.code == "archive"
        assert "ZIP" in refused.message


class TestMarkup:
    @pytest.mark.parametrize(
        ("data", "name"),
        [
            (b"<html><body><script>alert(1)</script></body></html>", "HTML"),
            (b"<!DOCTYPE HTML>\n<title>x</title>", "HTML"),
            (b"<ScRiPt>fetch('/x')</sCrIpT>", "HTML"),
            (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "SVG"),
            (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
            (b"\xef\xbb\xbf \r\n\t  <SVG onload='alert(1)'></SVG>", "SVG"),
            (b'<?xml version="1.0"?><note>hi</note>', "XML"),
            ("\ufeff  <html></html>".encode("utf-16"), "HTML"),
            ("  <html></html>".encode("utf-16"), "HTML"),
        ],
    )
    def test_refused_and_named(self, data: bytes, name: str) -> None:
        refused = refusal(data)
        assert refused.code == "markup"
        assert f"This file is {name} markup" in refused.message

    def test_a_script(self) -> None:
        refused = refusal(b"\n#!/bin/sh\nrm -rf /\n")
        assert refused.code == "markup"
        assert "script" in refused.message


class TestOtherRefusals:
    def test_plain_text(self) -> None:
        refused = refusal("Declaración: el 3 de mayo…\n".encode())
        assert refused.code == "unknown_type"
        assert "plain text" in refused.message

    def test_unknown_bytes_list_what_is_accepted(self) -> None:
        refused = refusal(b"\x00\x01\x02\x03" + os.urandom(100))
        assert refused.code == "unknown_type"
        for name in ("JPEG", "PNG", "WebP", "MP3", "M4A", "OGG", "WAV", "MP4", "WebM", "PDF"):
            assert name in refused.message

    @pytest.mark.parametrize(
        ("data", "name"),
        [
            (image_bytes("GIF"), "GIF"),
            (image_bytes("TIFF"), "TIFF"),
            (image_bytes("BMP"), "BMP"),
            (ftyp(b"avif", b"mif1"), "AVIF"),
            (b"fLaC\x00\x00\x00\x22" + b"\x00" * 40, "FLAC"),
            (b"RIFF\x00\x01\x00\x00AVI LIST" + b"\x00" * 40, "AVI"),
            (b"MZ\x90\x00" + b"\x00" * 60, "EXE"),
            (ogg(b"\x80theora\x03\x02"), "Ogg"),
        ],
    )
    def test_known_formats_are_named(self, data: bytes, name: str) -> None:
        refused = refusal(data)
        assert refused.code == "unknown_type"
        assert f"in {name} format" in refused.message

    def test_heic_photos_get_advice(self) -> None:
        for brand in (b"heic", b"mif1"):
            refused = refusal(ftyp(brand, b"mif1", b"heic"))
            assert refused.code == "unknown_type"
            assert "HEIC" in refused.message and "JPEG" in refused.message

    def test_an_id3_tag_must_be_followed_by_audio(self) -> None:
        assert refusal(id3() + b"<html><script>x</script>").code == "unknown_type"
        assert refusal(id3()).code == "unknown_type"

    def test_one_mpeg_frame_header_is_not_enough(self) -> None:
        assert refusal(MP3_FRAME).code == "unknown_type"
        assert refusal(MP3_FRAME + os.urandom(500)).code == "unknown_type"
        assert refusal(MP3_FRAME + MPEG2_FRAME).code == "unknown_type"  # not the same stream
        # UTF-16 text starts with bytes that read as an MPEG frame header.
        assert refusal("Testimonio de la señora".encode("utf-16")).code == "unknown_type"

    def test_amr_is_not_taken_for_a_script(self) -> None:
        assert check(b"#!AMR\n\x3c" + b"\x00" * 31) == sniff.AMR
        assert refusal(b"#!AMRX\n").code == "markup"


class TestImages:
    def test_a_truncated_jpeg(self) -> None:
        data = image_bytes("JPEG", (300, 200), quality=90)
        for cut in (len(data) // 2, len(data) - 20, 300):
            assert refusal(data[:cut]).code == "broken_image"

    def test_a_truncated_png_and_webp(self) -> None:
        png = image_bytes("PNG", (200, 100))
        assert refusal(png[: len(png) // 2]).code == "broken_image"
        webp = image_bytes("WEBP", (200, 100))
        assert refusal(webp[: len(webp) // 2]).code == "broken_image"

    def test_a_corrupted_png(self) -> None:
        png = bytearray(image_bytes("PNG", (200, 100)))
        start = png.index(b"IDAT") + 4
        png[start : start + 40] = os.urandom(40)
        assert refusal(bytes(png)).code == "broken_image"

    def test_a_jpeg_header_on_garbage(self) -> None:
        assert refusal(b"\xff\xd8\xff\xe0" + os.urandom(500)).code == "broken_image"

    def test_a_decompression_bomb_is_refused_from_its_header(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # 30000 × 30000 = 900 megapixels claimed by a 50 KB file: Pillow refuses to open it.
        bomb = bilevel_png(30000, 30000, rows=2048)
        assert len(bomb) < 100_000

        def never(self: ImageFile.ImageFile) -> None:
            raise AssertionError("the pixels were decoded")

        monkeypatch.setattr(ImageFile.ImageFile, "load", never)
        refused = refusal(bomb)
        assert refused.code == "image_too_large"
        assert "too large in pixels" in refused.message
        assert "60 million" in refused.message
        assert "not accepted" not in refused.message

    def test_a_complete_image_over_our_own_limit(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # 9000 × 9000 = 81 megapixels: under Pillow's limit, over ours; a valid file of 10 KB.
        bomb = bilevel_png(9000, 9000)
        assert len(bomb) < 50_000
        assert Image.open(io.BytesIO(bomb)).size == (9000, 9000)

        def never(self: ImageFile.ImageFile) -> None:
            raise AssertionError("the pixels were decoded")

        monkeypatch.setattr(ImageFile.ImageFile, "load", never)
        assert refusal(bomb).code == "image_too_large"

    def test_the_pixel_limit_can_be_set(self) -> None:
        data = image_bytes("PNG", (400, 300))
        assert check(data, max_pixels=120_000) == sniff.PNG
        refused = refusal(data, max_pixels=119_999)
        assert refused.code == "image_too_large"
        assert "0.119999 million" in refused.message
