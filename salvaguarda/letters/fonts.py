"""The font a letter's PDF is written in: DejaVu Sans (regular, bold, oblique, bold oblique),
embedded as a TrueType subset, so every name prints as written (Łukasz, Nguyễn, Đorđe,
Ștefan), not only the Windows-1252 characters of ReportLab's standard Helvetica.

The font files are the operating system's (Debian's `fonts-dejavu-core`), looked up in the
folder the variable `LETTERS_PDF_FONT_DIR` names (empty by default) and then in the usual system
folders; nothing is fetched. Without them the PDF falls back to Helvetica, a character outside
Windows-1252 printing "?", and the reason is logged and shown by `manage.py check`
(letters.W001) so an operator knows what to install.
"""

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core import checks
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

logger = logging.getLogger(__name__)

FAMILY = "DejaVuSans"
FILES = {
    (0, 0): "DejaVuSans.ttf",
    (1, 0): "DejaVuSans-Bold.ttf",
    (0, 1): "DejaVuSans-Oblique.ttf",
    (1, 1): "DejaVuSans-BoldOblique.ttf",
}
SYSTEM_FOLDERS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/TTF",  # Arch
    "/usr/share/fonts/dejavu",  # Alpine
    "/usr/local/share/fonts/dejavu",
)


@dataclass(frozen=True)
class PdfFont:
    regular: str
    bold: str
    unicode: bool  # False: Helvetica, Windows-1252 only


HELVETICA = PdfFont(regular="Helvetica", bold="Helvetica-Bold", unicode=False)


def _folders() -> list[Path]:
    configured = getattr(settings, "SALVAGUARDA_LETTERS_PDF_FONT_DIR", "") or ""
    return [Path(f) for f in ([configured] if configured else []) + list(SYSTEM_FOLDERS)]


def font_folder() -> Path | None:
    """The first folder holding all four DejaVu Sans files, or None."""
    for folder in _folders():
        if all((folder / name).is_file() for name in FILES.values()):
            return folder
    return None


@cache
def pdf_font() -> PdfFont:
    """DejaVu Sans registered with ReportLab (once), or Helvetica when its files are missing."""
    folder = font_folder()
    if folder is None:
        logger.warning(
            "letters: DejaVu Sans not found in %s; letter PDFs use Helvetica and print '?' for "
            "characters outside Windows-1252 (install fonts-dejavu-core or set "
            "LETTERS_PDF_FONT_DIR)",
            ", ".join(str(f) for f in _folders()),
        )
        return HELVETICA
    for (bold, italic), name in FILES.items():
        face = (
            FAMILY
            + {(0, 0): "", (1, 0): "-Bold", (0, 1): "-Oblique", (1, 1): "-BoldOblique"}[
                (bold, italic)
            ]
        )
        pdfmetrics.registerFont(TTFont(face, str(folder / name)))
        addMapping(FAMILY, bold, italic, face)
    return PdfFont(regular=FAMILY, bold=FAMILY + "-Bold", unicode=True)


@checks.register()
def font_check(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    if font_folder() is not None:
        return []
    return [
        checks.Warning(
            "Letter PDFs: DejaVu Sans not found; names outside Windows-1252 will print as '?'.",
            hint="Install the fonts-dejavu-core package or set LETTERS_PDF_FONT_DIR to a folder "
            "holding DejaVuSans.ttf, DejaVuSans-Bold.ttf, DejaVuSans-Oblique.ttf and "
            "DejaVuSans-BoldOblique.ttf.",
            id="letters.W001",
        )
    ]
