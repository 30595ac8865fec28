"""Active content in evidence PDFs: what is found in a document, and a copy without it.

A PDF can carry more than its pages: programs a reader may run (JavaScript, also hidden in a
dynamic XFA form), actions that open other files or programs (Launch, GoToR, GoToE, ImportData,
links to anything but a web page or an e-mail address: a `file:` or `smb:` link can give away the
reader's network password), forms that send what is typed to an address (SubmitForm), other
files inside it (embedded files, file attachment notes) and media players (Flash "rich media",
3D, movie, sound and screen annotations). Opening such a document can be how a device is
attacked or how someone learns that, when and where it was opened.

`active_content` says which of these a PDF carries, as codes (below). It looks at every object
of the file, reachable or not, so nothing is declared clean unchecked; a file that cannot be
read (damaged beyond repair, or locked with a password) is `UNREADABLE`.

`without_active_content` writes a copy to share: the same pages, with every such action,
script, embedded file and media annotation taken out, the document information and XMP metadata
(author, software, dates) left out as for photos, and only the objects still in use written
(qpdf rewrites the file, which also drops the earlier revisions of an edited document). Plain web
and e-mail links, bookmarks and links inside the document stay. The copy is read again and
refused if anything active is still found in it.

The PDF is never hand-parsed: pikepdf (qpdf) reads and writes it.
"""

from collections.abc import Iterator
from io import BytesIO
from typing import BinaryIO

import pikepdf
from django.utils.translation import gettext as _
from pikepdf import Array, Dictionary, Name, Stream

from salvaguarda.incidents.files.sniff import RefusedFile

JAVASCRIPT = "pdf_javascript"
LAUNCH = "pdf_launch"
SUBMIT_FORM = "pdf_submit_form"
EMBEDDED_FILE = "pdf_embedded_file"
RICH_MEDIA = "pdf_rich_media"
UNREADABLE = "pdf_unreadable"
CODES = (JAVASCRIPT, LAUNCH, SUBMIT_FORM, EMBEDDED_FILE, RICH_MEDIA, UNREADABLE)

# What each kind of action is, when it is active (the others: GoTo, Named, Thread, Hide,
# ResetForm, SetOCGState, Trans, GoTo3DView, GoToDp, move within the document or the viewer).
ACTIVE_ACTIONS = {
    "/JavaScript": JAVASCRIPT,
    "/Launch": LAUNCH,
    "/GoToR": LAUNCH,
    "/GoToE": LAUNCH,
    "/ImportData": LAUNCH,
    "/SubmitForm": SUBMIT_FORM,
    "/RichMediaExecute": RICH_MEDIA,
    "/Movie": RICH_MEDIA,
    "/Sound": RICH_MEDIA,
    "/Rendition": RICH_MEDIA,
}
MEDIA_ANNOTATIONS = frozenset({"/RichMedia", "/3D", "/Movie", "/Sound", "/Screen"})
SAFE_LINK_SCHEMES = ("http://", "https://", "mailto:")
MAX_DEPTH = 64  # nesting of direct objects followed inside one object


def active_content(source: BinaryIO) -> list[str]:
    """The codes of the active content in the PDF in SOURCE (sorted; empty when none).

    SOURCE is left rewound to its start.
    """
    try:
        source.seek(0)
        with pikepdf.open(BytesIO(source.read())) as pdf:
            return sorted(_found(pdf))
    except Exception:  # any failure to read untrusted bytes: never declared clean
        return [UNREADABLE]
    finally:
        source.seek(0)


def without_active_content(source: BinaryIO) -> bytes:
    """A copy of the PDF in SOURCE without its active content (see the module's docstring).

    Raises RefusedFile ("pdf_unreadable") when the file cannot be read or cleaned. SOURCE is
    left rewound to its start.
    """
    try:
        source.seek(0)
        with pikepdf.open(BytesIO(source.read())) as pdf:
            _clean(pdf)
            out = BytesIO()
            pdf.save(out, encryption=False, deterministic_id=True)
        copy = out.getvalue()
        with pikepdf.open(BytesIO(copy)) as written:
            left = _found(written)
    except Exception as exc:  # any failure to read or write untrusted bytes
        raise _unreadable() from exc
    finally:
        source.seek(0)
    if left:
        raise _unreadable()
    return copy


def _unreadable() -> RefusedFile:
    return RefusedFile(
        _(
            "This PDF cannot be checked for active content (it is damaged or protected by a "
            "password), so no copy to share can be made from it. Ask for the original file "
            "again, without a password."
        ),
        UNREADABLE,
    )


# --- Finding ----------------------------------------------------------------------------------


def _found(pdf: pikepdf.Pdf) -> set[str]:
    codes: set[str] = set()
    for obj in pdf.objects:
        for dictionary in _dictionaries(obj):
            codes |= _codes_of(dictionary)
    for dictionary in _dictionaries(pdf.trailer):
        codes |= _codes_of(dictionary)
    return codes


def _dictionaries(obj: object, depth: int = 0) -> Iterator[Dictionary | Stream]:
    """OBJ if it is a dictionary or a stream, then the direct dictionaries nested in it.

    Indirect objects met inside are not followed: `pdf.objects` lists each of them."""
    if depth > MAX_DEPTH:
        raise ValueError("objects nested too deep")
    if isinstance(obj, Dictionary | Stream):
        yield obj
        children = obj.values()
    elif isinstance(obj, Array):
        children = list(obj)
    else:
        return
    for child in children:
        if isinstance(child, Dictionary | Stream | Array) and not child.is_indirect:
            yield from _dictionaries(child, depth + 1)


def _codes_of(d: Dictionary | Stream) -> set[str]:
    codes: set[str] = set()
    action = _name(d, "/S")
    if action in ACTIVE_ACTIONS:
        codes.add(ACTIVE_ACTIONS[action])
    if action == "/URI" and not _safe_link(d):
        codes.add(LAUNCH)
    if "/JS" in d or "/JavaScript" in d or "/XFA" in d:
        codes.add(JAVASCRIPT)
    if "/EmbeddedFiles" in d or "/EF" in d or _name(d, "/Type") == "/EmbeddedFile":
        codes.add(EMBEDDED_FILE)
    subtype = _name(d, "/Subtype")
    if subtype == "/FileAttachment":
        codes.add(EMBEDDED_FILE)
    if subtype in MEDIA_ANNOTATIONS:
        codes.add(RICH_MEDIA)
    return codes


def _name(d: Dictionary | Stream, key: str) -> str:
    value = d.get(key)
    return str(value) if isinstance(value, Name) else ""


def _safe_link(action: Dictionary | Stream) -> bool:
    uri = action.get("/URI")
    if not isinstance(uri, pikepdf.String):
        return False
    text = bytes(uri).decode("latin-1").strip().lower()
    return text.startswith(SAFE_LINK_SCHEMES)


# --- Cleaning ---------------------------------------------------------------------------------


def _clean(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if isinstance(annotations, Array):
            kept = [a for a in annotations if not _is_active_annotation(a)]
            if len(kept) != len(annotations):
                page.obj.Annots = Array(kept)
    for obj in list(pdf.objects):
        for dictionary in list(_dictionaries(obj)):
            _clean_dictionary(dictionary)
    for dictionary in list(_dictionaries(pdf.trailer)):
        _clean_dictionary(dictionary)
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    if "/Metadata" in pdf.Root:
        del pdf.Root["/Metadata"]


def _is_active_annotation(annotation: object) -> bool:
    if not isinstance(annotation, Dictionary):
        return False
    subtype = _name(annotation, "/Subtype")
    return subtype == "/FileAttachment" or subtype in MEDIA_ANNOTATIONS


def _clean_dictionary(d: Dictionary | Stream) -> None:
    for key in ("/OpenAction", "/A", "/Next", "/PA"):
        if key in d and _chain_is_active(d[key]):
            del d[key]
    triggers = d.get("/AA")
    if isinstance(triggers, Dictionary):
        for trigger in list(triggers.keys()):
            if _chain_is_active(triggers[trigger]):
                del triggers[trigger]
        if not len(triggers.keys()):
            del d["/AA"]
    for key in ("/JavaScript", "/EmbeddedFiles", "/XFA", "/JS", "/EF"):
        if key in d:
            del d[key]


def _chain_is_active(value: object, depth: int = 0) -> bool:
    """True when the action VALUE, or one it leads to through /Next, is active."""
    if depth > MAX_DEPTH:
        return True
    if isinstance(value, Array):
        return any(_chain_is_active(item, depth + 1) for item in value)
    if not isinstance(value, Dictionary):
        return False  # a destination (an array of a page and a view) or nothing
    if _codes_of(value):
        return True
    return "/Next" in value and _chain_is_active(value["/Next"], depth + 1)
