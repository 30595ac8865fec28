"""What an uploaded evidence file is, judged by its bytes alone.

Neither the file's name nor the type the browser declares is read: both are chosen by whoever
sends the file. `check_upload` reads the first bytes ("magic numbers") and accepts only the
formats below (a whitelist); everything else is refused with a message that says, when it can,
what the bytes are.

Accepted
    photo     JPEG, PNG, WebP (each also opened and fully decoded with Pillow)
    audio     MP3 (two MPEG audio frames in a row, at the start or after an ID3 tag),
              M4A/M4B (MP4 container, see the ftyp rule), Ogg Opus or Vorbis (WhatsApp voice
              notes), WAV (RIFF or RF64), AMR and AMR-WB
    video     MP4, MOV, 3GP/3G2 (MP4 container), WebM, Matroska
    document  PDF

The ftyp rule (MP4 family): the container says what it holds through its *major brand*, the
four characters after "ftyp". `M4A `, `M4B ` (and Flash's `F4A `, `F4B `) are audio; the
still-image brands of HEIF/HEIC and AVIF (`heic`, `mif1`, `avif`, ...) are photos we do not
accept; every other brand is video (`qt  ` is MOV, `3gp*`/`3g2*` are 3GP/3G2, the rest MP4).
So an audio-only file in a video brand (some Android recorders write `3gp4` or `mp42`) is stored
as a video, and a WebM or Matroska file is always a video, even when it holds only sound: the
category only labels the file, the bytes are kept as they are.

Refused on purpose, whatever the name: compressed archives (ZIP, which includes Word/Excel/
OpenDocument files, gzip, bzip2, xz, 7-Zip, RAR, tar, ...). An archive is never opened, which is
how a "zip bomb" is refused at once. Anything that starts like markup or a script (HTML, XML, SVG,
`#!`), after skipping a byte-order mark and blank space: such a file could carry code that runs
when someone opens it. Plain text, programs, GIF, HEIC and every other format.

Images are opened with Pillow only after their size in pixels, read from the header, is checked
(`MAX_PIXELS`); a file that claims more is refused before any pixel memory is allocated (a
"decompression bomb"). Pillow's own global limit is left as it is.
"""

import os
from dataclasses import dataclass
from typing import BinaryIO, NoReturn

from django.utils.translation import gettext as _
from PIL import Image

from salvaguarda.lib.streams import read_full

MIB = 1024 * 1024
# Enough for every signature below (tar's is at byte 257) and for skipping blank space.
HEAD_BYTES = 8192
# Above the photos of common phones and cameras (12 to 50 megapixels); each decoded megapixel
# costs 3 to 4 MB of memory, so this bounds what one upload can make the server allocate.
MAX_PIXELS = 60_000_000

PHOTO = "photo"
AUDIO = "audio"
VIDEO = "video"
DOCUMENT = "document"
CATEGORIES = (PHOTO, AUDIO, VIDEO, DOCUMENT)


@dataclass(frozen=True)
class FileKind:
    media_type: str
    extension: str
    category: str


JPEG = FileKind("image/jpeg", "jpg", PHOTO)
PNG = FileKind("image/png", "png", PHOTO)
WEBP = FileKind("image/webp", "webp", PHOTO)
MP3 = FileKind("audio/mpeg", "mp3", AUDIO)
M4A = FileKind("audio/mp4", "m4a", AUDIO)
OGG = FileKind("audio/ogg", "ogg", AUDIO)
WAV = FileKind("audio/wav", "wav", AUDIO)
AMR = FileKind("audio/amr", "amr", AUDIO)
AMR_WB = FileKind("audio/amr-wb", "awb", AUDIO)
MP4 = FileKind("video/mp4", "mp4", VIDEO)
MOV = FileKind("video/quicktime", "mov", VIDEO)
THREE_GP = FileKind("video/3gpp", "3gp", VIDEO)
THREE_G2 = FileKind("video/3gpp2", "3g2", VIDEO)
WEBM = FileKind("video/webm", "webm", VIDEO)
MATROSKA = FileKind("video/x-matroska", "mkv", VIDEO)
PDF = FileKind("application/pdf", "pdf", DOCUMENT)

# Pillow's name of each accepted image format: Image.open tries no other decoder.
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}


class RefusedFile(Exception):
    """An upload that is not accepted. `message` is translated and can be shown as it is."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def check_upload(source: BinaryIO, *, max_bytes: int, max_pixels: int = MAX_PIXELS) -> FileKind:
    """Return what SOURCE is, or raise RefusedFile. SOURCE is left rewound to its start.

    MAX_BYTES is measured on the stream itself (a declared size is not trusted). A photo is
    decoded once in full, unless its header claims more than MAX_PIXELS pixels.
    """
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive.")
    try:
        source.seek(0, os.SEEK_END)
        size = source.tell()
        if size == 0:
            raise RefusedFile(
                _("This file is empty. Check that it was saved completely and upload it again."),
                "empty",
            )
        if size > max_bytes:
            raise RefusedFile(
                _(
                    "This file is larger than %(limit)s MB, the most that is accepted. Split a "
                    "long recording or video into shorter parts and upload them one by one."
                )
                % {"limit": _megabytes(max_bytes)},
                "too_large",
            )
        source.seek(0)
        head = read_full(source, HEAD_BYTES)
        kind = _whitelisted(source, head)
        if kind is None:
            _refuse(head)
        if kind.category == PHOTO:
            _check_image(source, kind, max_pixels)
        return kind
    finally:
        source.seek(0)


def _megabytes(count: int) -> str:
    if count % MIB == 0 or count >= 10 * MIB:
        return str(count // MIB)
    return f"{count / MIB:.2f}".rstrip("0").rstrip(".")


# --- The whitelist --------------------------------------------------------------------------

AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"F4A ", b"F4B "})
HEIC_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)
AVIF_BRANDS = frozenset({b"avif", b"avis"})


def _whitelisted(source: BinaryIO, head: bytes) -> FileKind | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] in (b"RIFF", b"RF64") and len(head) >= 16:
        form = head[8:12]
        if form == b"WEBP" and head[:4] == b"RIFF" and head[12:16] in (b"VP8 ", b"VP8L", b"VP8X"):
            return WEBP
        if form == b"WAVE":
            return WAV
        return None
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"#!AMR\n"):
        return AMR
    if head.startswith(b"#!AMR-WB\n"):
        return AMR_WB
    if head.startswith(b"OggS"):
        return OGG if _ogg_codec(head).startswith((b"OpusHead", b"\x01vorbis")) else None
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        doctype = head[:64]
        if b"webm" in doctype:
            return WEBM
        if b"matroska" in doctype:
            return MATROSKA
        return None
    if head[4:8] == b"ftyp" and len(head) >= 12:
        return _ftyp_kind(head[8:12])
    if head.startswith(b"ID3") and _mp3_after_id3(source):
        return MP3
    if head[:1] == b"\xff" and _mpeg_audio_at(source, 0):
        return MP3
    return None


def _ftyp_kind(brand: bytes) -> FileKind | None:
    if brand in AUDIO_BRANDS:
        return M4A
    if brand in HEIC_BRANDS or brand in AVIF_BRANDS or brand == b"crx ":
        return None  # still images (HEIC, AVIF) and Canon raw photos: not accepted
    if brand == b"qt  ":
        return MOV
    if brand.startswith(b"3g2"):
        return THREE_G2
    if brand.startswith(b"3g"):
        return THREE_GP
    return MP4


def _ogg_codec(head: bytes) -> bytes:
    """The first 8 bytes of the first packet of an Ogg stream (its codec's signature)."""
    if len(head) < 27:
        return b""
    start = 27 + head[26]  # the page header, then one byte per segment
    return head[start : start + 8]


# kbit/s by bitrate index, for (MPEG-1 or not, layer); index 0 ("free format") is not accepted.
MPEG_BITRATES = {
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
# Hz by the version bits (0: MPEG-2.5, 2: MPEG-2, 3: MPEG-1) and the sample-rate index.
MPEG_SAMPLE_RATES = {0: (11025, 12000, 8000), 2: (22050, 24000, 16000), 3: (44100, 48000, 32000)}


def _mpeg_frame_length(header: bytes) -> int:
    """The length of the MPEG audio frame that starts with HEADER, or 0 if it is not one."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return 0
    version = (header[1] >> 3) & 0b11
    layer = 4 - ((header[1] >> 1) & 0b11)
    bitrate_index = header[2] >> 4
    rate_index = (header[2] >> 2) & 0b11
    if (
        version not in MPEG_SAMPLE_RATES
        or layer == 4
        or bitrate_index in (0, 15)
        or rate_index == 3
    ):
        return 0
    mpeg1 = version == 3
    bitrate = MPEG_BITRATES[(mpeg1, layer)][bitrate_index] * 1000
    sample_rate = MPEG_SAMPLE_RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    if layer == 1:
        return (12 * bitrate // sample_rate + padding) * 4
    if layer == 3 and not mpeg1:
        return 72 * bitrate // sample_rate + padding
    return 144 * bitrate // sample_rate + padding


def _mpeg_audio_at(source: BinaryIO, offset: int) -> bool:
    """True when two MPEG audio frames of the same stream follow each other at OFFSET.

    One 4-byte header alone is too weak a signature (UTF-16 text starts like one).
    """
    first = _read_at(source, offset, 4)
    length = _mpeg_frame_length(first)
    if not length:
        return False
    second = _read_at(source, offset + length, 4)
    return (
        _mpeg_frame_length(second) > 0
        and second[1] | 1 == first[1] | 1  # same version and layer
        and second[2] & 0x0C == first[2] & 0x0C  # same sample rate
    )


def _mp3_after_id3(source: BinaryIO) -> bool:
    """An ID3v2 tag is only a label: accept it when MPEG audio frames follow it."""
    offset = 0
    for _tag in range(4):  # a file may carry a few tags in a row
        tag = _read_at(source, offset, 10)
        if len(tag) < 10 or not tag.startswith(b"ID3") or tag[3] not in (2, 3, 4):
            break
        size_bytes = tag[6:10]
        if any(byte & 0x80 for byte in size_bytes):
            return False
        size = 0
        for byte in size_bytes:
            size = (size << 7) | byte
        offset += 10 + size + (10 if tag[5] & 0x10 else 0)
    following = _read_at(source, offset, 4096)
    padding = len(following) - len(following.lstrip(b"\x00"))  # zeros after the tag
    return _mpeg_audio_at(source, offset + padding)


def _read_at(source: BinaryIO, offset: int, count: int) -> bytes:
    source.seek(offset)
    return source.read(count)


# --- Refusals -------------------------------------------------------------------------------

ARCHIVES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"PK\x07\x08", "ZIP"),
    (b"\x1f\x8b", "GZIP"),
    (b"\xfd7zXZ\x00", "XZ"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\x28\xb5\x2f\xfd", "Zstandard"),
    (b"\x04\x22\x4d\x18", "LZ4"),
    (b"LZIP", "LZIP"),
    (b"\x1f\x9d", "Unix compress"),
    (b"\x1f\xa0", "LZH"),
    (b"MSCF", "CAB"),
    (b"!<arch>\n", "AR"),
    (b"070707", "CPIO"),
    (b"070701", "CPIO"),
    (b"070702", "CPIO"),
    (b"xar!", "XAR"),
)
OFFICE_MEMBERS = (b"[Content_Types].xml", b"_rels/.rels", b"word/", b"xl/", b"ppt/", b"docProps/")
OTHER_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"fLaC", "FLAC"),
    (b"caff", "CAF"),
    (b"FLV\x01", "FLV"),
    (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "WMA/WMV"),
    (b"%!PS", "PostScript"),
    (b"MZ", "EXE"),
    (b"\x7fELF", "ELF"),
    (b"\xca\xfe\xba\xbe", "Mach-O"),
    (b"\xcf\xfa\xed\xfe", "Mach-O"),
    (b"\x00asm", "WebAssembly"),
)
BMP_HEADER_SIZES = frozenset({12, 40, 52, 56, 64, 108, 124})
# NUL: UTF-16 text without a byte-order mark; U+FEFF: a byte-order mark repeated.
WHITESPACE = " \t\r\n\f\v\x00\ufeff"


def _refuse(head: bytes) -> NoReturn:
    """Raise the most precise RefusedFile for a file that is not on the whitelist."""
    archive = _archive_format(head)
    if archive == "office":
        raise _office_document("archive")
    if archive:
        raise RefusedFile(
            _(
                "This file is a %(format)s archive, whatever its name says. Compressed archives "
                "are not accepted: upload each photo, recording or document on its own."
            )
            % {"format": archive},
            "archive",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") or head.startswith(b"{\\rtf"):
        raise _office_document("unknown_type")
    markup = _markup_format(head)
    if markup == "script":
        raise RefusedFile(
            _(
                "This file is a script, whatever its name says. Web pages, SVG drawings, XML and "
                "scripts are not accepted: they can carry code that runs when the file is opened."
            ),
            "markup",
        )
    if markup:
        raise RefusedFile(
            _(
                "This file is %(format)s markup, whatever its name says. Web pages, SVG drawings, "
                "XML and scripts are not accepted: they can carry code that runs when the file is "
                "opened."
            )
            % {"format": markup},
            "markup",
        )
    other = _other_format(head)
    if other == "HEIC":
        raise RefusedFile(
            _(
                "This photo is in HEIC format (the iPhone's usual format), which is not accepted. "
                "Share or export it as JPEG and upload it again; on the iPhone, Settings > Camera "
                "> Formats > Most Compatible takes new photos as JPEG."
            ),
            "unknown_type",
        )
    if other:
        raise RefusedFile(
            _(
                "This file is in %(format)s format, whatever its name says, and that format is "
                "not accepted. Upload a photo (JPEG, PNG or WebP), an audio recording (MP3, M4A, "
                "OGG, WAV or AMR), a video (MP4, MOV, 3GP or WebM) or a PDF document."
            )
            % {"format": other},
            "unknown_type",
        )
    if _looks_like_text(head):
        raise RefusedFile(
            _(
                "This file is plain text, whatever its name says, and text files are not "
                "accepted. Save the text as PDF and upload the PDF."
            ),
            "unknown_type",
        )
    raise RefusedFile(
        _(
            "This kind of file is not accepted. Upload a photo (JPEG, PNG or WebP), an audio "
            "recording (MP3, M4A, OGG, WAV or AMR), a video (MP4, MOV, 3GP or WebM) or a PDF "
            "document."
        ),
        "unknown_type",
    )


def _office_document(code: str) -> RefusedFile:
    return RefusedFile(
        _(
            "This file is an office document (Word, Excel, PowerPoint or similar), whatever its "
            "name says. Office documents are not accepted: save it as PDF and upload the PDF."
        ),
        code,
    )


def _archive_format(head: bytes) -> str:
    """The archive format of HEAD ("office" for a Word/Excel/OpenDocument file), or ""."""
    for signature, name in ARCHIVES:
        if head.startswith(signature):
            if name == "ZIP" and _is_office_zip(head):
                return "office"
            return name
    if head.startswith(b"BZh") and len(head) > 3 and head[3] in b"123456789":
        return "BZIP2"
    if head[257:262] == b"ustar":
        return "TAR"
    return ""


def _is_office_zip(head: bytes) -> bool:
    # The member names of the first local headers are plain bytes: no need to open the archive.
    opening = head[:4096]
    if head[30:38] == b"mimetype" and b"application/vnd.oasis.opendocument" in head[38:120]:
        return True
    return any(member in opening for member in OFFICE_MEMBERS)


def _markup_format(head: bytes) -> str:
    """The markup in HEAD: HTML, SVG, XML, "script" (a #! line), or "" for none."""
    if head.startswith(b"\xef\xbb\xbf"):
        text = head[3:].decode("utf-8", errors="ignore")
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("latin-1")
    text = text.lstrip(WHITESPACE).lower()
    if text.startswith("#!"):
        return "script"
    if not text.startswith("<"):
        return ""
    opening = text[:1024]
    if "<svg" in opening:
        return "SVG"
    if text.startswith("<?xml") and "<html" not in opening:
        return "XML"
    return "HTML"  # any other tag: browsers would read it as a web page


def _other_format(head: bytes) -> str:
    for signature, name in OTHER_FORMATS:
        if head.startswith(signature):
            return name
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in HEIC_BRANDS:
            return "HEIC"
        if brand in AVIF_BRANDS:
            return "AVIF"
        if brand == b"crx ":
            return "CR3"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "AVI"
    if head.startswith(b"OggS"):
        return "Ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "EBML"
    if head.startswith(b"BM") and int.from_bytes(head[14:18], "little") in BMP_HEADER_SIZES:
        return "BMP"
    return ""


def _looks_like_text(head: bytes) -> bool:
    allowed = frozenset(b"\t\n\r\f")
    return all(byte >= 0x20 and byte != 0x7F or byte in allowed for byte in head)


# --- Images ---------------------------------------------------------------------------------


def _check_image(source: BinaryIO, kind: FileKind, max_pixels: int) -> None:
    """Decode the whole image once: a damaged, truncated or oversized one is refused."""
    source.seek(0)
    try:
        with Image.open(source, formats=[PILLOW_FORMATS[kind]]) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise _too_many_pixels(max_pixels)
            if image.format == "JPEG":
                # Decode at 1/8 scale: every byte of the compressed data is still read and
                # checked, with 64 times less memory.
                image.draft(image.mode, (1, 1))
            image.load()
    except RefusedFile:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(max_pixels) from exc
    except Exception as exc:  # any failure to decode untrusted bytes means a broken image
        raise RefusedFile(
            _(
                "This image is damaged or incomplete and cannot be opened. Upload it again from "
                "the original file."
            ),
            "broken_image",
        ) from exc


def _too_many_pixels(max_pixels: int) -> RefusedFile:
    return RefusedFile(
        _(
            "This image is too large in pixels: it has more than %(limit)s million, the most "
            "that is accepted (a phone's photo has 12 to 50 million). Export a smaller copy and "
            "upload that one."
        )
        % {"limit": f"{max_pixels / 1_000_000:g}"},
        "image_too_large",
    )
