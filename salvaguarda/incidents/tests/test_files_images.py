"""Photos: where they were taken is detected and removed, and the pixels stay exactly the same."""

import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from salvaguarda.incidents.files import sniff
from salvaguarda.incidents.files.images import has_location, without_metadata
from salvaguarda.incidents.files.sniff import JPEG, PNG, WEBP, FileKind, RefusedFile

ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'exif:GPSLatitude="32,31.5N" exif:GPSLongitude="117,2.1W"/></rdf:RDF></x:xmpmeta>'
)
IPTC = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0c\x1c\x02\x5a\x00\x07Tijuana"


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "AcmePhone"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.DateTime] = "2025:03:01 10:00:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (32.0, 31.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (117.0, 2.0, 6.0)
    return exif


def picture(mode: str = "RGB", size: tuple[int, int] = (96, 64)) -> Image.Image:
    bands = [Image.effect_noise(size, 50 + 10 * band) for band in range(len(mode))]
    return Image.merge(mode, bands)


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def pixels(data: bytes) -> tuple[str, tuple[int, int], bytes]:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.mode, image.size, image.tobytes()


def strip(data: bytes, kind: FileKind) -> bytes:
    stripped = without_metadata(io.BytesIO(data), kind)
    assert pixels(stripped) == pixels(data)  # lossless: the evidence is untouched
    assert sniff.check_upload(io.BytesIO(stripped), max_bytes=len(stripped)) == kind
    return stripped


def located(data: bytes, kind: FileKind) -> bool:
    return has_location(io.BytesIO(data), kind)


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, body) of each segment up to the first scan."""
    found = []
    pos = 2
    while True:
        marker = data[pos + 1]
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        found.append((marker, data[pos + 4 : pos + 2 + length]))
        if marker == 0xDA:
            return found
        pos += 2 + length


def with_segment(data: bytes, marker: int, body: bytes) -> bytes:
    return data[:2] + bytes((0xFF, marker)) + struct.pack(">H", len(body) + 2) + body + data[2:]


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_chunk_types(data: bytes) -> list[bytes]:
    types = []
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        types.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return types


def riff_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks = []
    pos = 12
    while pos < len(data):
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        chunks.append((data[pos : pos + 4], data[pos + 8 : pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return chunks


def assert_no_metadata(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert "xmp" not in image.info
        assert "comment" not in image.info
    for secret in (b"AcmePhone", b"GPSLatitude", b"Tijuana", b"2025:03:01", b"Exif\x00\x00"):
        assert secret not in data


class TestJpeg:
    def phone_photo(self, **params: object) -> bytes:
        data = encode(
            picture(),
            "JPEG",
            exif=gps_exif(),
            xmp=XMP,
            icc_profile=ICC,
            comment=b"taken at the shelter",
            quality=92,
            **params,
        )
        return with_segment(data, 0xED, IPTC)

    def test_a_phone_photo_has_a_location(self) -> None:
        assert located(self.phone_photo(), JPEG)

    def test_everything_but_the_image_and_its_colours_is_removed(self) -> None:
        original = self.phone_photo()
        stripped = strip(original, JPEG)
        assert_no_metadata(stripped)
        assert b"taken at the shelter" not in stripped
        assert not located(stripped, JPEG)
        with Image.open(io.BytesIO(stripped)) as image:
            assert image.info["icc_profile"] == ICC
        markers = [marker for marker, _body in jpeg_segments(stripped)]
        assert 0xE1 not in markers and 0xED not in markers and 0xFE not in markers
        assert len(stripped) < len(original)

    def test_the_orientation_goes_with_the_exif(self) -> None:
        stripped = strip(self.phone_photo(), JPEG)
        with Image.open(io.BytesIO(stripped)) as image:
            assert ExifTags.Base.Orientation not in image.getexif()

    def test_progressive_with_restart_markers(self) -> None:
        original = self.phone_photo(progressive=True, restart_marker_blocks=2)
        assert original.count(b"\xff\xda") > 1  # several scans, tables between them
        assert b"\xff\xd0" in original
        assert_no_metadata(strip(original, JPEG))

    def test_cmyk_keeps_adobes_marker(self) -> None:
        original = encode(picture("CMYK"), "JPEG", exif=gps_exif(), quality=95)
        stripped = strip(original, JPEG)  # without APP14 the colours would come out inverted
        assert any(m == 0xEE and body.startswith(b"Adobe") for m, body in jpeg_segments(stripped))
        assert_no_metadata(stripped)

    def test_grayscale(self) -> None:
        assert_no_metadata(strip(encode(picture("L"), "JPEG", exif=gps_exif()), JPEG))

    def test_the_jfif_thumbnail_is_dropped(self) -> None:
        original = encode(picture(), "JPEG")
        assert jpeg_segments(original)[0][0] == 0xE0
        (length,) = struct.unpack(">H", original[4:6])
        thumbnail = b"JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x02\x01" + b"\x10\x20\x30" * 2
        original = original[:2] + b"\xff\xe0\x00\x16" + thumbnail + original[4 + length :]
        stripped = strip(original, JPEG)
        marker, body = jpeg_segments(stripped)[0]
        assert (marker, body) == (0xE0, thumbnail[:12] + b"\x00\x00")

    def test_pictures_after_the_end_of_the_image_are_removed(self) -> None:
        # Multi-picture files and motion photos append more data, with its own EXIF.
        main = encode(picture(), "JPEG")
        second = encode(picture(size=(16, 16)), "JPEG", exif=gps_exif())
        original = main + second
        assert located(original, JPEG)
        stripped = strip(original, JPEG)
        assert stripped == main
        assert not located(stripped, JPEG)

    def test_a_second_exif_segment_is_found(self) -> None:
        # Pillow reads only the first EXIF segment; the location may hide in a second one.
        plain = encode(picture(), "JPEG")
        empty = b"Exif\x00\x00" + Image.Exif().tobytes()
        hidden = b"Exif\x00\x00" + gps_exif().tobytes()
        twice = with_segment(with_segment(plain, 0xE1, hidden), 0xE1, empty)
        with Image.open(io.BytesIO(twice)) as image:
            assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert not located(plain, JPEG)
        assert located(twice, JPEG)
        assert_no_metadata(strip(twice, JPEG))

    def test_xmp_location_alone(self) -> None:
        assert located(encode(picture(), "JPEG", xmp=XMP), JPEG)

    def test_a_cut_jpeg_cannot_be_stripped(self) -> None:
        data = self.phone_photo()
        with pytest.raises(RefusedFile) as caught:
            without_metadata(io.BytesIO(data[: len(data) - 100]), JPEG)
        assert caught.value.code == "metadata_unreadable"


class TestPng:
    def phone_screenshot(self) -> bytes:
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "AcmePhone")
        info.add_text("Comment", "Tijuana", zip=True)
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        info.add(b"tIME", b"\x07\xe9\x03\x01\x0a\x00\x00")
        info.add(b"prVt", b"Tijuana")
        data = encode(picture("RGBA"), "PNG", pnginfo=info, exif=gps_exif(), icc_profile=ICC)
        return data + b"trailing Tijuana"

    def test_has_a_location(self) -> None:
        assert located(self.phone_screenshot(), PNG)
        assert located(encode(picture(), "PNG", exif=gps_exif()), PNG)

    def test_only_the_image_chunks_are_kept(self) -> None:
        original = self.phone_screenshot()
        assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"} <= set(png_chunk_types(original))
        stripped = strip(original, PNG)
        assert png_chunk_types(stripped) == [b"IHDR", b"iCCP", b"IDAT", b"IEND"]
        assert_no_metadata(stripped)
        assert not located(stripped, PNG)
        assert stripped.endswith(png_chunk(b"IEND", b""))

    def test_palette_and_transparency_are_kept(self) -> None:
        image = picture("L").convert("P")
        original = encode(image, "PNG", transparency=0, exif=gps_exif())
        stripped = strip(original, PNG)
        assert png_chunk_types(stripped) == [b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"]


class TestWebp:
    @pytest.mark.parametrize("lossless", [False, True])
    def test_exif_and_xmp_chunks_go_and_the_header_is_fixed(self, lossless: bool) -> None:
        original = encode(
            picture("RGBA"),
            "WEBP",
            exif=gps_exif(),
            xmp=XMP,
            icc_profile=ICC,
            lossless=lossless,
        )
        assert {b"EXIF", b"XMP "} <= {fourcc for fourcc, _data in riff_chunks(original)}
        assert located(original, WEBP)
        stripped = strip(original, WEBP)
        fourccs = [fourcc for fourcc, _data in riff_chunks(stripped)]
        assert b"EXIF" not in fourccs and b"XMP " not in fourccs
        assert fourccs[:2] == [b"VP8X", b"ICCP"]
        flags = riff_chunks(stripped)[0][1][0]
        assert flags & 0x08 == 0 and flags & 0x04 == 0  # no EXIF, no XMP
        assert flags & 0x20  # the ICC profile is still announced
        assert struct.unpack("<I", stripped[4:8])[0] == len(stripped) - 8
        assert_no_metadata(stripped)
        assert not located(stripped, WEBP)

    def test_a_simple_webp_is_unchanged(self) -> None:
        original = encode(picture(), "WEBP")
        assert without_metadata(io.BytesIO(original), WEBP) == original
        assert not located(original, WEBP)


class TestContract:
    def test_a_photo_without_metadata_has_no_location(self) -> None:
        assert not located(encode(picture(), "JPEG"), JPEG)
        assert not located(encode(picture(), "PNG"), PNG)

    def test_unreadable_metadata_counts_as_a_location(self) -> None:
        assert located(b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00garbage!", JPEG)

    def test_only_photos(self) -> None:
        assert not has_location(io.BytesIO(b"%PDF-1.4"), sniff.PDF)
        with pytest.raises(ValueError):
            without_metadata(io.BytesIO(b"%PDF-1.4"), sniff.PDF)

    def test_streams_are_rewound(self) -> None:
        data = encode(picture(), "JPEG", exif=gps_exif())
        stream = io.BytesIO(data)
        assert has_location(stream, JPEG)
        assert stream.tell() == 0
        without_metadata(stream, JPEG)
        assert stream.tell() == 0
