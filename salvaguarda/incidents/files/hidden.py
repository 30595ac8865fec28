"""What an evidence file carries besides what it shows, and the copy to share without it.

At upload `hidden_content` names what was found (codes, saved on the file's row): active content
in a PDF (`pdfs`) or bytes after the end of a photo (`images.trailing_data`). The file is kept
as it came (it is evidence); the caseworker sees each finding explained (`explanation`) and the
copy to share (`shared_copy`) leaves it out.
"""

from typing import BinaryIO

from django.utils.translation import gettext as _

from salvaguarda.incidents.files import images, pdfs
from salvaguarda.incidents.files.sniff import PDF, PHOTO, FileKind

IMAGE_TRAILING_DATA = "image_trailing_data"


def hidden_content(source: BinaryIO, kind: FileKind) -> list[str]:
    """The codes of what SOURCE (accepted by `check_upload` as KIND) carries besides what it
    shows; empty when nothing. SOURCE is left rewound to its start."""
    if kind.media_type == PDF.media_type:
        return pdfs.active_content(source)
    if kind.category == PHOTO and images.trailing_data(source, kind):
        return [IMAGE_TRAILING_DATA]
    return []


def shared_copy(source: BinaryIO, kind: FileKind) -> bytes | None:
    """The copy of SOURCE to share: a photo without its metadata and whatever follows its end,
    a PDF without its active content; None when the file is shared as kept (recordings,
    videos). Raises RefusedFile when the copy cannot be made."""
    if kind.category == PHOTO:
        return images.without_metadata(source, kind)
    if kind.media_type == PDF.media_type:
        return pdfs.without_active_content(source)
    return None


def explanation(code: str) -> str:
    """What CODE means for the caseworker, translated."""
    explanations = {
        pdfs.JAVASCRIPT: _(
            "This PDF contains a program (JavaScript or a dynamic form) that a PDF reader may run "
            "when it is opened."
        ),
        pdfs.LAUNCH: _(
            "This PDF can open another file or program, or a link that is not a web page or an "
            "e-mail address."
        ),
        pdfs.SUBMIT_FORM: _(
            "This PDF has a form that can send what is typed in it to an outside address."
        ),
        pdfs.EMBEDDED_FILE: _("This PDF carries other files inside it."),
        pdfs.RICH_MEDIA: _("This PDF carries a media player (Flash, 3D, video or sound)."),
        pdfs.UNREADABLE: _(
            "This PDF could not be checked for active content (it is damaged or protected by a "
            "password): open it only on a device you do not mind risking."
        ),
        IMAGE_TRAILING_DATA: _(
            "This photo carries data after the end of the image: phones put extra pictures or a "
            "short video there, but it can also hide a web page or a program."
        ),
    }
    return explanations.get(code, code)


def shared_copy_note(codes: list[str]) -> str:
    """One sentence on what the copy to share leaves out, or "" when nothing was found."""
    if not codes:
        return ""
    if codes == [pdfs.UNREADABLE]:
        return _("No copy to share can be made of it.")
    return _("The copy to share leaves it out; the file as kept is unchanged (it is evidence).")
