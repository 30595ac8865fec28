"""The location and other hidden information carried by photos, and how it is removed.

A phone photo usually records where it was taken (EXIF GPS, sometimes XMP too), the device, the
time and more. `has_location` says whether a photo carries a location; `without_metadata`
returns the same photo without any of that.

Removal is lossless. The file is rewritten by walking its structure (JPEG segments, PNG chunks,
WebP RIFF chunks) and copying the compressed image data byte for byte: the pixels are never
decoded and re-encoded, so the photo decodes to exactly the same pixels before and after (this
is evidence). What is kept is only what is needed to show the pixels right:

    JPEG  frame, scan, Huffman, quantization and restart segments; the JFIF header (without its
          thumbnail); the ICC colour profile (APP2 ICC_PROFILE); Adobe's APP14 (it says how the
          colours are encoded). Everything else goes: EXIF (GPS, device, times, thumbnail), XMP,
          IPTC/Photoshop (APP13), comments, MPF and every other APPn, and whatever follows the
          end of the image (the extra pictures of "multi-picture" files, the video of "motion
          photos", vendor trailers), which can carry a location of their own.
    PNG   only the chunks that define the image (IHDR, PLTE, IDAT, IEND, transparency, colour
          and gamma, ICC profile, pixel size, animation): tEXt, zTXt, iTXt (XMP), eXIf, tIME and
          every unknown chunk go.
    WebP  VP8/VP8L/ALPH image data, VP8X, ICCP and animation chunks are kept; EXIF, XMP and
          unknown chunks go, the VP8X flags for EXIF and XMP are cleared and the RIFF size fixed.

The EXIF orientation goes with the EXIF: a phone photo taken sideways may then show rotated.
We accept that: turning it upright would mean decoding and re-encoding the pixels, which would
alter the evidence; a viewer can rotate the photo on screen without changing the file.
"""

import struct
from typing import BinaryIO

from django.utils.translation import gettext as _
from PIL import ExifTags, Image

from salvaguarda.incidents.files.sniff import (
    JPEG,
    PHOTO,
    PILLOW_FORMATS,
    PNG,
    WEBP,
    FileKind,
    RefusedFile,
)

XMP_LOCATION = (b"GPSLatitude", b"GPSLongitude")
EXIF_HEADER = b"Exif\x00\x00"
MAX_EXIF_BLOCKS = 16


class _Malformed(ValueError):
    """The file's structure cannot be walked."""


def has_location(source: BinaryIO, kind: FileKind) -> bool:
    """True when the photo in SOURCE records a location (EXIF GPS, or GPS in XMP).

    Only photos are examined: for any other kind the answer is False (videos and recordings
    can carry a location too; it is neither detected nor removed here). A photo whose metadata
    cannot be read counts as carrying a location: it is never declared free of one unchecked.
    Call it on a file that `check_upload` accepted (it may decode the image). SOURCE is left
    rewound to its start.
    """
    if kind.category != PHOTO:
        return False
    try:
        source.seek(0)
        with Image.open(source, formats=[PILLOW_FORMATS[kind]]) as image:
            exif = image.getexif()
            if ExifTags.Base.GPSInfo in exif or exif.get_ifd(ExifTags.IFD.GPSInfo):
                return True
        source.seek(0)
        _kept, removed, _trailing = _walk(kind, source.read())
        return any(_piece_has_location(piece) for piece in removed)
    except Exception:  # unreadable metadata: assume the worst
        return True
    finally:
        source.seek(0)


def without_metadata(source: BinaryIO, kind: FileKind) -> bytes:
    """The photo in SOURCE with all its metadata removed, its image data untouched.

    Raises RefusedFile ("metadata_unreadable") when the structure cannot be walked, and
    ValueError for a kind that is not a photo. SOURCE is left rewound to its start.
    """
    if kind.category != PHOTO:
        raise ValueError(f"Only photos can be stripped, not {kind.media_type}.")
    source.seek(0)
    try:
        kept, _removed, _trailing = _walk(kind, source.read())
    except _Malformed as exc:
        raise RefusedFile(
            _(
                "The hidden information in this photo (such as where it was taken) cannot be "
                "removed because the file is damaged. Upload it again from the original file."
            ),
            "metadata_unreadable",
        ) from exc
    finally:
        source.seek(0)
    return kept


def trailing_data(source: BinaryIO, kind: FileKind) -> int:
    """How many bytes follow the end of the photo in SOURCE (after a JPEG's end-of-image
    marker, a PNG's IEND chunk, a WebP's RIFF size), not counting zero bytes of padding.

    Phones put extra pictures or a short video there; it is also where a web page or a program
    can be hidden behind a photo that opens normally. `without_metadata` leaves them out. A
    photo whose structure cannot be walked answers 0 (`without_metadata` refuses it). SOURCE is
    left rewound to its start.
    """
    if kind.category != PHOTO:
        return 0
    source.seek(0)
    try:
        _kept, _removed, trailing = _walk(kind, source.read())
    except _Malformed:
        return 0
    finally:
        source.seek(0)
    return 0 if not trailing.strip(b"\x00") else len(trailing)


_Walked = tuple[bytes, list[bytes], bytes]


def _walk(kind: FileKind, data: bytes) -> _Walked:
    """Split DATA into the photo to keep, the list of pieces removed from it, and what
    follows the end of the image (also in that list)."""
    if kind == JPEG:
        return _walk_jpeg(data)
    if kind == PNG:
        return _walk_png(data)
    if kind == WEBP:
        return _walk_webp(data)
    raise ValueError(f"Unknown photo format {kind.media_type}.")


def _piece_has_location(piece: bytes) -> bool:
    if any(name in piece for name in XMP_LOCATION):
        return True
    # EXIF blocks Pillow does not read: a second APP1, the pictures after a JPEG's end.
    start = piece.find(EXIF_HEADER)
    for _block in range(MAX_EXIF_BLOCKS):
        if start < 0:
            return False
        exif = Image.Exif()
        exif.load(piece[start:])
        if ExifTags.Base.GPSInfo in exif or exif.get_ifd(ExifTags.IFD.GPSInfo):
            return True
        start = piece.find(EXIF_HEADER, start + len(EXIF_HEADER))
    return True  # more EXIF blocks than we look at: assume the worst


# --- JPEG -----------------------------------------------------------------------------------

SOI = b"\xff\xd8"
EOI = b"\xff\xd9"
SOS = 0xDA
APP0 = 0xE0
APP2 = 0xE2
APP14 = 0xEE
COM = 0xFE
STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM and the restart markers


def _walk_jpeg(data: bytes) -> _Walked:
    if not data.startswith(SOI):
        raise _Malformed("no start of image")
    kept = [SOI]
    removed: list[bytes] = []
    pos = 2
    while True:
        if pos >= len(data) or data[pos] != 0xFF:
            raise _Malformed("expected a marker")
        while pos < len(data) and data[pos] == 0xFF:  # fill bytes before a marker
            pos += 1
        if pos >= len(data):
            raise _Malformed("truncated")
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            kept.append(EOI)
            removed.append(data[pos:])  # anything after the end of the image
            return b"".join(kept), removed, data[pos:]
        if marker in STANDALONE:
            kept.append(bytes((0xFF, marker)))
            continue
        if marker in (0x00, 0xD8) or pos + 2 > len(data):
            raise _Malformed("unexpected marker")
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2 or pos + length > len(data):
            raise _Malformed("segment past the end")
        body = data[pos + 2 : pos + length]
        segment = bytes((0xFF, marker)) + data[pos : pos + length]
        pos += length
        if 0xE0 <= marker <= 0xEF or marker == COM:
            kept_segment = _jpeg_app_kept(marker, body)
            if kept_segment is None:
                removed.append(segment)
            else:
                kept.append(kept_segment)
                if kept_segment != segment:
                    removed.append(segment)
        else:
            kept.append(segment)
        if marker == SOS:
            end = _entropy_end(data, pos)
            kept.append(data[pos:end])
            pos = end


def _jpeg_app_kept(marker: int, body: bytes) -> bytes | None:
    """The application segment to keep in place of this one, or None to drop it."""
    if marker == APP0 and body.startswith(b"JFIF\x00") and len(body) >= 14:
        # Version, density units and density; the thumbnail dimensions set to 0 (no thumbnail).
        return b"\xff\xe0\x00\x10" + body[:12] + b"\x00\x00"
    if marker == APP2 and body.startswith(b"ICC_PROFILE\x00"):
        return b"\xff\xe2" + struct.pack(">H", len(body) + 2) + body
    if marker == APP14 and body.startswith(b"Adobe"):
        return b"\xff\xee" + struct.pack(">H", len(body) + 2) + body
    return None


def _entropy_end(data: bytes, pos: int) -> int:
    """Where the compressed data that follows a scan header ends (at the next real marker)."""
    while True:
        found = data.find(b"\xff", pos)
        if found < 0 or found + 1 >= len(data):
            raise _Malformed("truncated scan")
        following = data[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:  # a stuffed 0xFF or a restart
            pos = found + 2
            continue
        return found


# --- PNG ------------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEPT = frozenset(
    {
        b"IHDR",
        b"PLTE",
        b"IDAT",
        b"IEND",
        b"tRNS",
        b"gAMA",
        b"cHRM",
        b"sRGB",
        b"iCCP",
        b"cICP",
        b"mDCV",
        b"cLLI",
        b"sBIT",
        b"bKGD",
        b"hIST",
        b"pHYs",
        b"sPLT",
        b"acTL",
        b"fcTL",
        b"fdAT",
    }
)


def _walk_png(data: bytes) -> _Walked:
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise _Malformed("not a PNG")
    kept = [PNG_SIGNATURE]
    removed: list[bytes] = []
    pos = len(PNG_SIGNATURE)
    while True:
        if pos + 12 > len(data):
            raise _Malformed("truncated")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunk_type = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise _Malformed("chunk past the end")
        (kept if chunk_type in PNG_KEPT else removed).append(data[pos:end])
        pos = end
        if chunk_type == b"IEND":
            removed.append(data[pos:])
            return b"".join(kept), removed, data[pos:]


# --- WebP -----------------------------------------------------------------------------------

WEBP_KEPT = frozenset({b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP"})
VP8X_EXIF = 0x08
VP8X_XMP = 0x04


def _walk_webp(data: bytes) -> _Walked:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise _Malformed("not a WebP")
    (riff_size,) = struct.unpack("<I", data[4:8])
    end = 8 + riff_size
    if end > len(data) or riff_size < 4:
        raise _Malformed("RIFF size past the end")
    kept: list[bytes] = []
    removed: list[bytes] = [data[end:]]
    pos = 12
    while pos < end:
        if pos + 8 > end:
            raise _Malformed("truncated chunk header")
        fourcc = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        chunk_end = pos + 8 + size + (size & 1)  # chunks are padded to an even length
        if chunk_end > end:
            raise _Malformed("chunk past the end")
        chunk = data[pos:chunk_end]
        if fourcc == b"VP8X" and size >= 1:
            flags = chunk[8] & ~(VP8X_EXIF | VP8X_XMP)
            chunk = chunk[:8] + bytes((flags,)) + chunk[9:]
        (kept if fourcc in WEBP_KEPT else removed).append(chunk)
        pos = chunk_end
    body = b"".join(kept)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body, removed, data[end:]
