"""The words of hearing reminders: defaults per language, an organization's own, and rendering.

Two kinds of message (`ReminderText.Kind`): AHEAD, some days before the hearing, and
DAY_BEFORE, with the instructions of where and when to report at the port (the tear sheet).
An organization may write its own text for any language of `people/vocabularies/
languages.csv`; otherwise the default below is used, and a language without a default falls
back to Spanish.

What a text may say: only the placeholders of `PLACEHOLDERS`. There is none for the person's
name or A-number, on purpose: an SMS is read by whoever holds the phone.

Time zones: `{date}` and `{time}` are the hearing's date and time on the court's clock (as the
court's notice shows them), and the default texts say so ("hora de la corte"). `{report_time}`
is on the clock of the place where the person reports: the port's (the zone of its Mexican
city), else the person's own; the default texts say "hora local".

Length: a text may hold at most `MAX_TEXT_LENGTH` characters as written (placeholders
included): about two SMS segments. With accents an SMS segment carries 70 characters, so most
messages go out in several segments that the phone joins; the limit keeps them short enough to
be read.
"""

import datetime
import string
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import User
from salvaguarda.core import audit
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.court import times
from salvaguarda.court.models import Hearing, ReminderText
from salvaguarda.court.vocab import COURTS, court_port, court_zone
from salvaguarda.people import vocab as people_vocab

Kind = ReminderText.Kind

FALLBACK_LANGUAGE = "spa"
MAX_TEXT_LENGTH = 320
PLACEHOLDERS = ("days", "date", "time", "court", "report_time", "report_place", "port")

DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    "spa": {
        Kind.AHEAD: (
            "Recordatorio: en {days} días, el {date}, tiene su audiencia en {court} a las "
            "{time} (hora de la corte). Si no se presenta, el juez puede ordenar su "
            "deportación. Si necesita ayuda para llegar, avísenos."
        ),
        Kind.DAY_BEFORE: (
            "Mañana, {date}, es su audiencia en {court} a las {time} (hora de la corte). "
            "Dónde presentarse: {report_place} ({port}). A qué hora: {report_time}, hora "
            "local. Lleve todos sus papeles. Si no se presenta, el juez puede ordenar su "
            "deportación."
        ),
    },
    "eng": {
        Kind.AHEAD: (
            "Reminder: in {days} days, on {date}, you have your hearing at {court} at {time} "
            "(court time). If you do not go, the judge can order your deportation. If you need "
            "help getting there, let us know."
        ),
        Kind.DAY_BEFORE: (
            "Tomorrow, {date}, is your hearing at {court} at {time} (court time). Where to "
            "report: {report_place} ({port}). When: {report_time}, local time. Bring all your "
            "papers. If you do not go, the judge can order your deportation."
        ),
    },
    "hat": {
        Kind.AHEAD: (
            "Rapèl: nan {days} jou, {date}, ou gen odyans ou nan {court} a {time} (lè "
            "tribinal la). Si ou pa prezante, jij la ka bay lòd pou yo depòte ou. Si ou "
            "bezwen èd pou w rive, fè nou konnen."
        ),
        Kind.DAY_BEFORE: (
            "Demen, {date}, se odyans ou nan {court} a {time} (lè tribinal la). Ki kote pou "
            "w prezante: {report_place} ({port}). Ki lè: {report_time}, lè lokal. Pote tout "
            "papye ou yo. Si ou pa prezante, jij la ka bay lòd pou yo depòte ou."
        ),
    },
    "por": {
        Kind.AHEAD: (
            "Lembrete: em {days} dias, {date}, você tem sua audiência em {court} às {time} "
            "(horário do tribunal). Se você não comparecer, o juiz pode ordenar sua "
            "deportação. Se precisar de ajuda para chegar, avise-nos."
        ),
        Kind.DAY_BEFORE: (
            "Amanhã, {date}, é sua audiência em {court} às {time} (horário do tribunal). "
            "Onde se apresentar: {report_place} ({port}). A que horas: {report_time}, "
            "horário local. Leve todos os seus documentos. Se você não comparecer, o juiz "
            "pode ordenar sua deportação."
        ),
    },
    "fra": {
        Kind.AHEAD: (
            "Rappel : dans {days} jours, le {date}, vous avez votre audience à {court} à "
            "{time} (heure du tribunal). Si vous ne vous présentez pas, le juge peut ordonner "
            "votre expulsion. Si vous avez besoin d'aide pour y aller, prévenez-nous."
        ),
        Kind.DAY_BEFORE: (
            "Demain, {date}, c'est votre audience à {court} à {time} (heure du tribunal). "
            "Où vous présenter : {report_place} ({port}). À quelle heure : {report_time}, "
            "heure locale. Apportez tous vos papiers. Si vous ne vous présentez pas, le juge "
            "peut ordonner votre expulsion."
        ),
    },
}
LANGUAGES = tuple(DEFAULT_TEXTS)

# What a message says when the hearing has no reporting instructions recorded yet.
UNKNOWN: dict[str, dict[str, str]] = {
    "spa": {
        "report_place": "el lugar de su hoja de citación",
        "report_time": "la hora de su hoja de citación",
        "port": "puerto indicado en sus papeles",
    },
    "eng": {
        "report_place": "the place on your tear sheet",
        "report_time": "the time on your tear sheet",
        "port": "port shown on your papers",
    },
    "hat": {
        "report_place": "kote ki ekri sou papye konvokasyon ou",
        "report_time": "lè ki ekri sou papye konvokasyon ou",
        "port": "pòs fwontyè ki ekri sou papye ou",
    },
    "por": {
        "report_place": "o local indicado no seu papel de citação",
        "report_time": "o horário indicado no seu papel de citação",
        "port": "posto de fronteira indicado nos seus papéis",
    },
    "fra": {
        "report_place": "le lieu indiqué sur votre convocation",
        "report_time": "l'heure indiquée sur votre convocation",
        "port": "poste-frontière indiqué sur vos papiers",
    },
}

WEEKDAYS: dict[str, tuple[str, ...]] = {
    "spa": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "eng": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "hat": ("lendi", "madi", "mèkredi", "jedi", "vandredi", "samdi", "dimanch"),
    "por": (
        "segunda-feira",
        "terça-feira",
        "quarta-feira",
        "quinta-feira",
        "sexta-feira",
        "sábado",
        "domingo",
    ),
    "fra": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
MONTHS: dict[str, tuple[str, ...]] = {
    "spa": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
    "eng": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "hat": (
        "janvye",
        "fevriye",
        "mas",
        "avril",
        "me",
        "jen",
        "jiyè",
        "out",
        "septanm",
        "oktòb",
        "novanm",
        "desanm",
    ),
    "por": (
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ),
    "fra": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
}
DATE_PATTERNS = {
    "spa": "{weekday} {day} de {month}",
    "eng": "{weekday}, {month} {day}",
    "hat": "{weekday} {day} {month}",
    "por": "{weekday}, {day} de {month}",
    "fra": "{weekday} {day} {month}",
}


# --- formatting ----------------------------------------------------------------------------------


def _formatting_language(language: str) -> str:
    return language if language in DEFAULT_TEXTS else FALLBACK_LANGUAGE


def format_date(day: datetime.date, language: str) -> str:
    """'lunes 9 de marzo', 'Monday, March 9', ... (Spanish for a language without a default)."""
    language = _formatting_language(language)
    return DATE_PATTERNS[language].format(
        weekday=WEEKDAYS[language][day.weekday()],
        day=day.day,
        month=MONTHS[language][day.month - 1],
    )


def format_time(moment: datetime.datetime | datetime.time, language: str) -> str:
    """'08:30'; '8:30 AM' in English; '8 h 30' in French."""
    language = _formatting_language(language)
    hour, minute = moment.hour, moment.minute
    if language == "eng":
        return f"{(hour - 1) % 12 + 1}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
    if language == "fra":
        return f"{hour} h {minute:02d}"
    return f"{hour:02d}:{minute:02d}"


# --- the values of one message -------------------------------------------------------------------


@dataclass(frozen=True)
class HearingFacts:
    """What a reminder may tell about a hearing (nothing that identifies the person)."""

    starts_at: datetime.datetime
    court: str
    port: str = ""
    report_at: datetime.datetime | None = None
    report_place: str = ""
    # Where the person stays: the clock of the reporting time when the port's is not known.
    person_zone: ZoneInfo | None = None

    @classmethod
    def of(cls, hearing: Hearing, person_zone: ZoneInfo | None = None) -> "HearingFacts":
        return cls(
            starts_at=hearing.starts_at,
            court=hearing.court,
            port=hearing.port or court_port(hearing.court),
            report_at=hearing.report_at,
            report_place=hearing.report_place,
            person_zone=person_zone,
        )


def port_zone(port: str) -> ZoneInfo | None:
    """The zone of the port's Mexican city (the clock where people queue to report)."""
    term = people_vocab.RETURN_POINTS.terms.get(port)
    city = term.extra.get("mexican_city", "") if term else ""
    return times.city_zone(city) if city else None


def port_name(port: str) -> str:
    """The U.S. port of entry as people call it ('Brownsville', 'San Ysidro')."""
    term = people_vocab.RETURN_POINTS.terms.get(port)
    if term is None or not term.extra.get("mexican_city"):
        return ""
    return term.label_es.split(" → ")[0].strip()


def court_name(court: str, language: str) -> str:
    term = COURTS.terms.get(court)
    if term is None:
        return court
    return term.label_es if language == "spa" else term.label_en


def message_values(facts: HearingFacts, *, language: str, days: int) -> dict[str, str]:
    """The value of every placeholder, in `language` (Spanish formats for others)."""
    fmt = _formatting_language(language)
    unknown = UNKNOWN[fmt]
    court_time = times.in_court_time(facts.starts_at, facts.court)
    report_zone = port_zone(facts.port) or facts.person_zone or court_zone(facts.court)
    report_time = unknown["report_time"]
    if facts.report_at is not None:
        local = facts.report_at.astimezone(report_zone) if report_zone else facts.report_at
        report_time = format_time(local, fmt)
        if local.date() != court_time.date():
            report_time = f"{format_date(local.date(), fmt)} {report_time}"
    return {
        "days": str(days),
        "date": format_date(court_time.date(), fmt),
        "time": format_time(court_time, fmt),
        "court": court_name(facts.court, fmt),
        "report_time": report_time,
        "report_place": facts.report_place.strip() or unknown["report_place"],
        "port": port_name(facts.port) or unknown["port"],
    }


def sample_facts(now: datetime.datetime | None = None) -> HearingFacts:
    """A made-up hearing for previews: Brownsville, the Monday after next, 8:30 court time."""
    court = "BRO_IHF"
    zone = court_zone(court)
    today = (now or timezone.now()).astimezone(zone).date()
    monday = today + datetime.timedelta(days=14 - today.weekday())
    starts_at = datetime.datetime.combine(monday, datetime.time(8, 30), tzinfo=zone)
    return HearingFacts(
        starts_at=starts_at,
        court=court,
        port="BRO",
        report_at=starts_at - datetime.timedelta(hours=3),
        report_place="Puente Nuevo (Gateway), lado mexicano",
    )


# --- checking and rendering ----------------------------------------------------------------------


def _fields(text: str) -> list[str]:
    """The placeholders a text uses; ValueError if its braces are not well formed."""
    found = []
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if spec or conversion:
            raise ValueError("format spec")
        found.append(name)
    return found


def text_errors(text: str) -> list[ValidationError]:
    """Why `text` cannot be a reminder (empty list if it can)."""
    if not text.strip():
        return [
            ValidationError(
                _("Write the message, or reset it to the default one."), code="required"
            )
        ]
    errors = []
    if len(text) > MAX_TEXT_LENGTH:
        errors.append(
            ValidationError(
                _(
                    "The message has %(length)s characters; it may have at most %(limit)s, "
                    "to stay short on a phone."
                )
                % {"length": len(text), "limit": MAX_TEXT_LENGTH},
                code="max_length",
            )
        )
    allowed = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    try:
        names = _fields(text)
    except ValueError:
        errors.append(
            ValidationError(
                _(
                    "Braces { } may only surround a value to fill in, such as {date}. "
                    "The values are: %(allowed)s."
                )
                % {"allowed": allowed},
                code="braces",
            )
        )
        return errors
    for name in dict.fromkeys(names):
        if name not in PLACEHOLDERS:
            errors.append(
                ValidationError(
                    _(
                        "{%(name)s} is not a value a reminder can fill in. "
                        "The values are: %(allowed)s."
                    )
                    % {"name": name, "allowed": allowed},
                    code="placeholder",
                )
            )
    return errors


def render(text: str, values: Mapping[str, str]) -> str:
    """`text` with its placeholders filled in (KeyError/ValueError if it is not valid)."""
    for name in _fields(text):
        if name not in PLACEHOLDERS:
            raise KeyError(name)
    return text.format_map(values)


def has_text(language: str) -> bool:
    """Whether a message exists in `language`: a default one, or the organization's own."""
    return language in DEFAULT_TEXTS or ReminderText.objects.filter(language=language).exists()


def text_language(language: str) -> str:
    """The language a person's reminders are written in: theirs if there is a text, else spa."""
    return language if language and has_text(language) else FALLBACK_LANGUAGE


def default_text(language: str, kind: str) -> str:
    return DEFAULT_TEXTS.get(language, DEFAULT_TEXTS[FALLBACK_LANGUAGE])[kind]


def text_for(language: str, kind: str) -> str:
    """The text the current organization uses for (language, kind).

    Its own row if it wrote one, else the default of the language, else the Spanish default.
    """
    own = (
        ReminderText.objects.filter(language=language, kind=kind)
        .values_list("text", flat=True)
        .first()
    )
    if own:
        return own
    if language in DEFAULT_TEXTS:
        return DEFAULT_TEXTS[language][kind]
    own_spanish = (
        ReminderText.objects.filter(language=FALLBACK_LANGUAGE, kind=kind)
        .values_list("text", flat=True)
        .first()
    )
    return own_spanish or DEFAULT_TEXTS[FALLBACK_LANGUAGE][kind]


def kind_for(days_before: int) -> str:
    """The day before carries the reporting instructions; earlier reminders do not."""
    return Kind.DAY_BEFORE if days_before <= 1 else Kind.AHEAD


def compose(facts: HearingFacts, *, language: str, days_before: int) -> str:
    """The message for one reminder in the current organization's words.

    A text of the organization that cannot be rendered (it was checked when saved, so only if
    the rules changed since) gives way to the default.
    """
    kind = kind_for(days_before)
    values = message_values(facts, language=language, days=days_before)
    try:
        return render(text_for(language, kind), values)
    except (KeyError, ValueError, IndexError):
        return render(default_text(language, kind), values)


# --- services: an organization's own texts -------------------------------------------------------


def _organization_id() -> int:
    org_id = current_organization_id()
    if org_id is None:
        raise PermissionError("No organization scope.")
    return org_id


def _check_key(language: str, kind: str) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if language not in people_vocab.LANGUAGES:
        errors["language"] = [ValidationError(_("Choose a language of the list."), code="invalid")]
    if kind not in Kind.values:
        errors["kind"] = [ValidationError(_("Choose a message of the list."), code="invalid")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def reminder_text_set(*, by: User, language: str, kind: str, text: str) -> ReminderText:
    """Set the current organization's own text of one message in one language.

    Refused (ValidationError on `text`) if it is empty, longer than `MAX_TEXT_LENGTH` or uses a
    placeholder that does not exist. Audited by field name.
    """
    _check_key(language, kind)
    text = text.replace("\r\n", "\n").strip()
    errors = text_errors(text)
    if errors:
        raise ValidationError({"text": errors})
    org_id = _organization_id()
    row = ReminderText.objects.select_for_update().filter(language=language, kind=kind).first()
    if row is None:
        row = ReminderText.objects.create(
            organization_id=org_id,
            language=language,
            kind=kind,
            text=text,
            created_by=by,
            modified_by=by,
        )
        action = audit.Action.CREATE
    elif row.text != text:
        row.text = text
        row.modified_by = by
        row.save(update_fields=["text", "modified_by", "modified_at"])
        action = audit.Action.UPDATE
    else:
        return row
    audit.record(
        action=action,
        actor=by,
        organization_id=org_id,
        obj=row,
        fields=["text"],
        detail={"language": language, "kind": kind},
    )
    return row


@transaction.atomic
def reminder_text_reset(*, by: User, language: str, kind: str) -> bool:
    """Go back to the default text (the organization's own is kept, deleted). True if it had one."""
    _check_key(language, kind)
    org_id = _organization_id()
    row = ReminderText.objects.select_for_update().filter(language=language, kind=kind).first()
    if row is None:
        return False
    row.deleted_at = timezone.now()
    row.modified_by = by
    row.save(update_fields=["deleted_at", "modified_by", "modified_at"])
    audit.record(
        action=audit.Action.DELETE,
        actor=by,
        organization_id=org_id,
        obj=row,
        fields=["text"],
        detail={"language": language, "kind": kind},
    )
    return True
