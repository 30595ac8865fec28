"""Pages of sign-on letters: the list, importing a letter that circulates, and a letter with
its versions side by side, its drifts, its duplicates and its signatories."""

import uuid
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.access import (
    Policy,
    active_organization,
    active_role,
    policy,
    signed_in_user,
)
from salvaguarda.core.forms import saved
from salvaguarda.letters import (
    documents,
    inline,
    output,
    queries,
    queries_figures,
    queries_signing,
    services,
)
from salvaguarda.letters.forms import ImportForm, ParagraphForm
from salvaguarda.letters.models import Letter, LetterVersion


@policy(Policy.MEMBER)
def letter_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "letters/letter_list.html", {"letters": queries.letters_for(request.user)}
    )


@policy(Policy.MEMBER)
def letter_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        texts = {lang: form.cleaned_data[lang] for lang in services.LANGUAGES}
        try:
            letter = services.letter_import(
                by=signed_in_user(request),
                organization=active_organization(request),
                texts=texts,
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as exc:
            form.add_rule_errors(exc)
        else:
            return redirect("letters:detail", letter_uuid=letter.uuid)
    return render(request, "letters/letter_import.html", {"form": form})


REORDER = "reordenar"  # ?reordenar=1: the letter's page with each signatory's controls


@policy(Policy.MEMBER)
def letter_detail(request: HttpRequest, letter_uuid: uuid.UUID) -> HttpResponse:
    file = queries.letter_file_for(request.user, letter_uuid)
    may_edit = queries.may_edit(active_role(request), request.user, file.letter)
    organizations, individuals = file.listed
    context = {
        "file": file,
        "letter": file.letter,
        "may_edit": may_edit,
        # One line per signatory; its Change/↑/↓ controls only in the reorder mode (a plain
        # link, no script), so a long list stays short on a telephone.
        "reordering": may_edit and request.GET.get(REORDER) == "1",
        "reorder": REORDER,
        "organizations": [
            (item, [(member, output.member_of(member)) for member in item.members])
            for item in organizations
        ],
        "individuals": individuals,
        "cited_figures": queries_figures.figures_of(file.letter, file.versions),
        "headings": [output.heading_of(file.letter, version) for version in file.versions],
        "signing": queries_signing.signing_for(request.user, active_role(request), file.letter),
    }
    return render(request, "letters/letter_detail.html", context)


@policy(Policy.MEMBER)
def paragraph_edit(
    request: HttpRequest, letter_uuid: uuid.UUID, language: str, index: int
) -> HttpResponse:
    letter = queries.letter_to_edit(request.user, active_role(request), letter_uuid)
    version = queries.version_of(letter, language)
    if index >= len(version.paragraphs):
        raise Http404
    form = ParagraphForm(
        request.POST if request.method == "POST" else None,
        initial={"text": version.paragraphs[index]},
    )
    if request.method == "POST" and form.is_valid():
        write = partial(
            services.paragraph_update,
            by=signed_in_user(request),
            version=version,
            index=index,
            text=form.cleaned_data["text"],
        )
        if saved(request, form, write):
            return redirect("letters:detail", letter_uuid=letter.uuid)
    heading = gettext("%(language)s version, paragraph %(number)s") % {
        "language": language.upper(),
        "number": index + 1,
    }
    return render(
        request, "letters/edit_form.html", {"form": form, "letter": letter, "heading": heading}
    )


@policy(Policy.MEMBER)
def versions_in_step(request: HttpRequest, letter_uuid: uuid.UUID) -> HttpResponse:
    letter = queries.letter_to_edit(request.user, active_role(request), letter_uuid)
    if request.method == "POST":
        services.versions_mark_in_step(by=signed_in_user(request), letter=letter)
        messages.success(request, _("The versions were marked in step."))
    return redirect("letters:detail", letter_uuid=letter.uuid)


@policy(Policy.MEMBER)
def signatories_merge(request: HttpRequest, letter_uuid: uuid.UUID) -> HttpResponse:
    letter = queries.letter_to_edit(request.user, active_role(request), letter_uuid)
    if request.method == "POST":
        try:
            keep = queries.signatory_of(letter, uuid.UUID(request.POST.get("keep", "")))
            remove = queries.signatory_of(letter, uuid.UUID(request.POST.get("remove", "")))
        except ValueError as exc:
            raise Http404 from exc
        services.signatory_merge(by=signed_in_user(request), keep=keep, duplicate=remove)
        messages.success(request, _("The two signatures were merged."))
    return redirect("letters:detail", letter_uuid=letter.uuid)


@policy(Policy.MEMBER)
def letter_text(request: HttpRequest, letter_uuid: uuid.UUID, language: str) -> HttpResponse:
    """The letter in one language as it will be read: a page that prints as the letter."""
    letter = queries.letter_get_for(request.user, letter_uuid)
    version = queries.version_of(letter, language)
    parts = output.parts_of(letter, version)
    return render(
        request,
        "letters/letter_text.html",
        {
            "letter": letter,
            "version": version,
            "parts": parts,
            "paragraphs": [inline.line_html(p) for p in parts.paragraphs],
        },
    )


def markdown_download(letter: Letter, version: LetterVersion) -> HttpResponse:
    """A version as a Markdown file (the page's and the API's)."""
    response = HttpResponse(
        output.markdown_of(letter, version), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="carta-{version.language}.md"'
    return response


DOCUMENTS = {
    "pdf": ("application/pdf", documents.pdf_of),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        documents.docx_of,
    ),
}


def document_download(letter: Letter, version: LetterVersion, kind: str) -> HttpResponse:
    """A version as a PDF or Word file (the page's and the API's)."""
    if kind not in DOCUMENTS:
        raise Http404
    content_type, make = DOCUMENTS[kind]
    response = HttpResponse(make(letter, version), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="carta-{version.language}.{kind}"'
    return response


def signatories_download(letter: Letter, language: str = "") -> HttpResponse:
    """The signatories as one version lists them (the reference version's unless `language`
    says another), as a CSV file (the page's and the API's)."""
    version = queries.version_of(letter, language or letter.reference_language)
    response = HttpResponse(
        "".join(output.signatories_csv(letter, version)), content_type="text/csv; charset=utf-8"
    )
    filename = f"firmantes-{version.language}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@policy(Policy.MEMBER)
def letter_markdown(request: HttpRequest, letter_uuid: uuid.UUID, language: str) -> HttpResponse:
    letter = queries.letter_get_for(request.user, letter_uuid)
    return markdown_download(letter, queries.version_of(letter, language))


@policy(Policy.MEMBER)
def letter_document(
    request: HttpRequest, letter_uuid: uuid.UUID, kind: str, language: str
) -> HttpResponse:
    letter = queries.letter_get_for(request.user, letter_uuid)
    return document_download(letter, queries.version_of(letter, language), kind)


@policy(Policy.MEMBER)
def signatories_csv(request: HttpRequest, letter_uuid: uuid.UUID) -> HttpResponse:
    letter = queries.letter_get_for(request.user, letter_uuid)
    return signatories_download(letter, request.GET.get("idioma", ""))


urlpatterns = [
    path("", letter_list, name="list"),
    path("importar/", letter_import, name="import"),
    path("<uuid:letter_uuid>/", letter_detail, name="detail"),
    path("<uuid:letter_uuid>/<str:language>/<int:index>/", paragraph_edit, name="paragraph_edit"),
    path("<uuid:letter_uuid>/concordancia/", versions_in_step, name="in_step"),
    path("<uuid:letter_uuid>/texto/<str:language>/", letter_text, name="text"),
    path("<uuid:letter_uuid>/markdown/<str:language>/", letter_markdown, name="markdown"),
    path("<uuid:letter_uuid>/firmantes.csv", signatories_csv, name="signatories_csv"),
    path("<uuid:letter_uuid>/<slug:kind>/<str:language>/", letter_document, name="document"),
    path("<uuid:letter_uuid>/fusionar/", signatories_merge, name="merge"),
]
