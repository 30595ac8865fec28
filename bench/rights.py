"""Rights, documents and referrals on the person page, and the indicators page (issue 17's
benchmark), in the process, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.rights --scale 10000 [--db sqlite|postgresql|both]
                                     [--fresh] [--save] [--samples 200]

Issue 17 asks, at 1,000,000 people with 2 referrals each: the person page with rights and
referrals p95 no slower than today's person page + 10 %, and the indicators page under 1 s.
`bench/referrals.py` measures the lists and the directory with referrals only; here the people
exist, with what the panels and the indicators read.

Data of its own: `var/bench/rights-<scale>.sqlite3` and the PostgreSQL database
`bench_rights_<scale>` (`make bench-clean` drops them), generated once per scale and database
and reused (`rights-<scale>-<db>.generated.json`; again when the people's or referrals'
migrations changed, or with `--fresh`). The network and its directory are `bench/referrals.py`'s
(8 members, 20,000 services); then `scale` people (an eighth per member) in family groups, each
with its returns, documents, procedures, rights, consents and 2 referrals (`people()`), inserted
with `bench/generate.py`'s `make` and `Inserter` (every encrypted value sealed for its own row
under its organization's key, as the app does, so that the pages decrypt them).

Measured, as a caseworker of the person's organization signed in (a session as a sign-in
leaves it), each request through Django's WSGI handler as gunicorn calls it (bench/floor.py):

- the person page of people who have rights records, document procedures, a COMAR step and
  2 referrals (one to another member, with its consent), twice each, interleaved: the page as
  it is, and the page with the referrals app's three panels and its safeguard proof source
  taken out of the registries (in this process only): "today's person page" before issue 17;
- the indicators page (/indicadores/derechos/) of each member: the last 12 months and all
  time, every port and one port.

On PostgreSQL the measures connect as a plain role without BYPASSRLS
(`salvaguarda_bench_app_rights_<scale>`, dropped at the end). Nothing here is a test.
"""

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bench import common, figures, floor, generate, referrals

SEED = 1717
CHUNK_PEOPLE = 4000  # people per transaction and per batch of inserts
TARGET_RATIO = 1.10  # the page with the panels, p95, against the page without them
TARGET_INDICATORS_MS = 1000.0
FIRST_RETURN = datetime.date(2019, 1, 29)
SAMPLE_PORT = "SYS"  # the one port measured (San Ysidro, the busiest)
# The referrals app's panels on the person file (salvaguarda/referrals/apps.py).
PANEL_TEMPLATES = (
    "referrals/_person_referrals.html",
    "referrals/_person_documents.html",
    "referrals/_person_rights.html",
)
REFERRALS_APP = "salvaguarda.referrals."
FAMILY_SIZES = ((1, 35), (2, 20), (3, 18), (4, 15), (5, 8), (6, 4))
CLINICS = ("Centro de Salud Urbano", "Hospital General", "Clínica IMSS-Bienestar", "Cruz Roja")
SCHOOLS = ("Escuela Primaria Benito Juárez", "Secundaria Técnica 12", "Jardín de Niños Frida")
OUTCOMES = (("received", 70), ("partly", 10), ("not_received", 20))
REFERRAL_BARRIERS = ("no_documents", "discrimination", "no_capacity", "did_not_go", "moved_on")
RIGHT_BARRIERS = ("document_asked", "fee", "discrimination", "no_place", "language", "distance")


def sqlite_path(scale: int) -> Path:
    return common.BENCH_DIR / f"rights-{scale}.sqlite3"


def pg_name(scale: int) -> str:
    return common.pg_name(f"rights_{scale}")


def role_name(scale: int) -> str:
    """The plain role the measures connect as (`make bench-clean` drops it with the others)."""
    middle = f"{common.NAME}_" if common.NAME else ""
    return f"{common.PG_APP_ROLE}_{middle}rights_{scale}"


def database_url(db: str, scale: int, *, app_role: bool = False) -> str:
    if db == "sqlite":
        return f"sqlite:///{sqlite_path(scale)}"
    if app_role:
        host = common.PG_SERVER.split("@", 1)[1]
        return f"postgres://{role_name(scale)}@{host}/{pg_name(scale)}"
    return f"{common.PG_SERVER}/{pg_name(scale)}"


def marker_path(db: str, scale: int) -> Path:
    return common.BENCH_DIR / f"rights-{scale}-{db}.generated.json"


def sessions_path(db: str, scale: int) -> Path:
    return common.BENCH_DIR / f"rights-{scale}-{db}.sessions.json"


def schema_fingerprint() -> str:
    """This generator as it is (the migrations added since a generation are applied to its
    data before each measure, as in production: `optimize_main`)."""
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes().split(b"\n# --- PostgreSQL from", 1)[0])
    return digest.hexdigest()[:16]


def prepare_database(db: str, scale: int, fresh: bool) -> None:
    if db == "sqlite":
        path = sqlite_path(scale)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            marker_path(db, scale).unlink(missing_ok=True)
        return
    import psycopg

    name = pg_name(scale)
    with psycopg.connect(f"{common.PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            marker_path(db, scale).unlink(missing_ok=True)
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- generation ---------------------------------------------------------------------------


class Inserter(generate.Inserter):
    """bench/generate.py's `Inserter` with each column's conversion worked out once per table:
    the same values as the fields' `pre_save` and `get_db_prep_save` give (encrypted values
    sealed for their own row, under the key of the organization that reads them; blind
    indexes keyed per organization and column), several times faster at a million people."""

    def __init__(self) -> None:
        super().__init__()
        self.sqlite = self.connection.vendor == "sqlite"
        self.ciphers: dict[int, tuple[str, Any]] = {}
        self.index_keys: dict[tuple[int, str], bytes] = {}
        self.converters: dict[tuple[Any, bool], tuple[str, list[Any]]] = {}

    def cipher(self, organization_id: int) -> tuple[str, Any]:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        from salvaguarda.core import keys

        if organization_id not in self.ciphers:
            key = keys.active_key(organization_id, for_write=True)
            self.ciphers[organization_id] = (key.key_id, AESGCM(key.material))
        return self.ciphers[organization_id]

    def convert(self, model: Any, f: Any) -> Any:
        import json

        from django.db import models

        from salvaguarda.core.fields import NORMALIZERS, PREFIX, BlindIndexField, EncryptedField
        from salvaguarda.lib import crypto

        name = f.attname
        if isinstance(f, EncryptedField):
            table, owner, encode = model._meta.db_table, f.key_owner, f.encode
            context = f"{table}.{f.column}:"

            def seal(obj: Any) -> Any:
                value = obj.__dict__[name]
                if value in (None, "", [], {}):
                    return None
                key_id, aes = self.cipher(getattr(obj, owner))
                nonce = os.urandom(crypto.NONCE_BYTES)
                blob = nonce + aes.encrypt(nonce, encode(value), f"{context}{obj.uuid}".encode())
                return f"{PREFIX}.{key_id}.{crypto.to_text(blob)}"

            return seal
        if isinstance(f, BlindIndexField):
            purpose = f"blind-index:{model._meta.db_table}.{f.source}"
            normalize, source = NORMALIZERS[f.normalizer], f.source

            def index(obj: Any) -> Any:
                value = obj.__dict__[source]
                normalized = normalize(str(value)) if value not in (None, "") else ""
                if not normalized:
                    return None
                org = obj.organization_id
                if (org, purpose) not in self.index_keys:
                    _, _ = self.cipher(org)
                    from salvaguarda.core import keys

                    material = keys.active_key(org, for_write=True).material
                    self.index_keys[(org, purpose)] = crypto.derive_key(material, purpose)
                return crypto.keyed_hash(self.index_keys[(org, purpose)], normalized)

            return index
        if isinstance(f, models.UUIDField):
            if self.sqlite:
                return lambda obj: obj.__dict__[name].hex
            return lambda obj: obj.__dict__[name]
        if isinstance(f, models.JSONField):
            return lambda obj: json.dumps(obj.__dict__[name])
        if type(f) is models.DateTimeField:
            if self.sqlite:

                def moment(obj: Any) -> Any:
                    value = obj.__dict__[name]
                    if value is None:
                        return None
                    return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")

                return moment
            return lambda obj: obj.__dict__[name]
        if type(f) is models.DateField:
            if self.sqlite:
                return lambda obj: (
                    None if obj.__dict__[name] is None else obj.__dict__[name].isoformat()
                )
            return lambda obj: obj.__dict__[name]
        plain = (
            models.AutoField,
            models.BigAutoField,
            models.ForeignKey,
            models.BooleanField,
            models.IntegerField,
        )
        if isinstance(f, plain) or type(f) is models.CharField:
            return lambda obj: obj.__dict__[name]
        connection = self.connection
        return lambda obj: f.get_db_prep_save(f.pre_save(obj, True), connection)

    def insert(self, model: Any, objs: list[Any], *, with_id: bool = False) -> None:
        if not objs:
            return
        key = (model, with_id)
        if key not in self.converters:
            sql, _ = self.statement(model, with_id)
            fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
            self.converters[key] = (sql, [self.convert(model, f) for f in fields])
        sql, converters = self.converters[key]
        self.execute(sql, [tuple([c(obj) for c in converters]) for obj in objs])


class People:
    """One member's people and what the panels and the indicators read, chunk by chunk."""

    def __init__(
        self,
        rng: random.Random,
        inserter: Any,
        org: Any,
        staff: list[Any],
        orgs: list[tuple[Any, list[Any]]],
        member_services: list[Any],
        outside_services: list[Any],
        now: datetime.datetime,
    ) -> None:
        self.rng, self.ins, self.org, self.staff = rng, inserter, org, staff
        self.now = now
        self.today = now.date()
        self.staff_of = {o.pk: s for o, s in orgs}
        self.name_of = {o.pk: o.name for o, _ in orgs}
        self.others = [s for s in member_services if s.provider.network_organization_id != org.pk]
        self.member_services = member_services
        self.outside = outside_services
        self.households = self.people = self.referrals = 0
        self.city = org.city.lower().replace(" ", "_")
        self.counts: dict[str, int] = {}

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def stamp(self, when: datetime.datetime, user: Any = None) -> dict[str, Any]:
        user = user or self.rng.choice(self.staff)
        return {
            "uuid": self.uid(),
            "organization_id": self.org.pk,
            "created_at": when,
            "created_by_id": user.pk,
            "modified_at": when,
            "modified_by_id": user.pk,
        }

    def moment(self, day: datetime.date) -> datetime.datetime:
        at = datetime.datetime.combine(
            day, datetime.time(self.rng.randint(8, 18), self.rng.randint(0, 59)), datetime.UTC
        )
        return min(at, self.now - datetime.timedelta(minutes=5))

    def chunk(self, families: list[tuple[datetime.date, int]]) -> None:
        """The people of family groups (day of first return, size), in order of the day."""
        from salvaguarda.people.models import (
            Consent,
            Household,
            IdentityDocument,
            Person,
            ReturnEvent,
        )
        from salvaguarda.referrals.documents.models import ComarStep, DocumentProcedure
        from salvaguarda.referrals.referring.models import (
            Referral,
            ReferralStep,
            ReferredPerson,
        )
        from salvaguarda.referrals.rights.models import RightRecord

        rng, ins, make = self.rng, self.ins, generate.make
        rows: dict[Any, list[Any]] = {
            m: []
            for m in (
                Household,
                Person,
                ReturnEvent,
                IdentityDocument,
                DocumentProcedure,
                ComarStep,
                RightRecord,
                Consent,
                Referral,
                ReferralStep,
                ReferredPerson,
            )
        }
        for day, size in families:
            created = self.moment(day)
            household_id = None
            if size > 1:
                self.households += 1
                household_id = ins.allocate(Household)
                rows[Household].append(
                    make(
                        Household,
                        id=household_id,
                        reference=f"H-{self.households:06d}",
                        **self.stamp(created),
                    )
                )
            nationality = generate.weighted(
                rng, (("HND", 35), ("GTM", 25), ("SLV", 12), ("VEN", 10), ("HTI", 8), ("CUB", 5))
            )
            for member in range(size):
                if member == 0:
                    relationship, age = "head", rng.randint(18, 55)
                elif member == 1 and rng.random() < 0.6:
                    relationship, age = "partner", rng.randint(18, 55)
                else:
                    relationship, age = "child", rng.randint(0, 17)
                self.person(rows, day, created, household_id, relationship, age, nationality)
        order = (
            Household,
            Person,
            ReturnEvent,
            IdentityDocument,
            DocumentProcedure,
            ComarStep,
            RightRecord,
            Consent,
            Referral,
            ReferralStep,
            ReferredPerson,
        )
        for model in order:
            objs = rows[model]
            with_id = bool(objs) and objs[0].id is not None
            ins.insert(model, objs, with_id=with_id)
            key = model._meta.model_name
            self.counts[key] = self.counts.get(key, 0) + len(objs)

    def person(
        self,
        rows: dict[Any, list[Any]],
        day: datetime.date,
        created: datetime.datetime,
        household_id: int | None,
        relationship: str,
        age: int,
        nationality: str,
    ) -> None:
        from salvaguarda.people.models import Consent, Person, ReturnEvent

        rng, make = self.rng, generate.make
        self.people += 1
        person_id = self.ins.allocate(Person)
        sex = rng.choice(("female", "male"))
        born = day - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        exact = rng.random() < 0.7
        child = age < 18
        # A sixteenth of the adults follow a refugee claim: they get every panel's records.
        rich = not child and rng.random() < 1 / 16
        rows[Person].append(
            make(
                Person,
                id=person_id,
                household_id=household_id,
                relationship=relationship,
                is_legal_guardian=relationship in ("head", "partner") and household_id is not None,
                given_names=rng.choice(("María José", "José Luis", "Ana", "Wilmer", "Yesenia")),
                first_surname=rng.choice(("Hernández", "López", "García", "Martínez", "Pérez")),
                second_surname=rng.choice(("Ramírez", "Cruz", "Flores", "Gómez", "")),
                date_of_birth=born if exact else None,
                birth_precision="exact" if exact else "year",
                birth_year=born.year,
                reference=f"P-{self.people:07d}",
                sex=sex,
                nationality=nationality,
                languages=["es"],
                preferred_language="es",
                current_city=self.city,
                child_status="accompanied" if child and household_id else "",
                priority=rng.choice(("", "standard", "high")),
                **self.stamp(created),
            )
        )
        # Returns: the first on `day`, a fifth a second one later.
        returns = [day]
        if rng.random() < 0.2:
            again = day + datetime.timedelta(days=rng.randint(30, 700))
            if again < self.today:
                returns.append(again)
        for returned_on in returns:
            phases = [
                (code, weight)
                for code, first, last, weight in generate.PHASES
                if datetime.date.fromisoformat(first) <= returned_on
                and (last is None or returned_on <= datetime.date.fromisoformat(last))
            ]
            given = generate.weighted(rng, (("FMM", 15), ("TVRH", 5), ("none", 60), ("", 20)))
            rows[ReturnEvent].append(
                make(
                    ReturnEvent,
                    person_id=person_id,
                    program_phase=generate.weighted(rng, tuple(phases)),
                    returned_on=returned_on,
                    return_point=generate.weighted(rng, generate.PORTS),
                    mexican_city=self.city,
                    received_by="inm",
                    reception_documents=[given] if given else [],
                    **self.stamp(self.moment(returned_on)),
                )
            )
        self.documents(rows, person_id, day, child, rich)
        self.rights(rows, person_id, day, age, sex, rich)
        rows[Consent].append(
            make(
                Consent,
                id=self.ins.allocate(Consent),
                person_id=person_id,
                purpose="registration",
                given_at=created,
                language="es",
                **self.stamp(created),
            )
        )
        self.referral_pair(rows, person_id, day, rich)

    def documents(
        self,
        rows: dict[Any, list[Any]],
        person_id: int,
        day: datetime.date,
        child: bool,
        rich: bool,
    ) -> None:
        """Identity documents (a passport or national ID for some adults); a Mexican
        migration document for half (a fifth within 7 days of the return, 15 % within 30,
        the rest later); the procedure that gave it for most; a COMAR claim for the rich."""
        from salvaguarda.people.models import IdentityDocument
        from salvaguarda.referrals.documents.models import ComarStep, DocumentProcedure

        rng, make, today = self.rng, generate.make, self.today
        if not child and rng.random() < 0.4:
            rows[IdentityDocument].append(
                make(
                    IdentityDocument,
                    id=self.ins.allocate(IdentityDocument),
                    person_id=person_id,
                    doc_type=rng.choice(("PASSPORT", "NATIONAL_ID")),
                    number=f"{rng.randint(10**7, 10**9 - 1)}",
                    issuer="Gobierno",
                    **self.stamp(self.moment(day)),
                )
            )
        draw = rng.random()
        after = (
            rng.randint(0, 7)
            if draw < 0.2
            else rng.randint(8, 30)
            if draw < 0.35
            else rng.randint(31, 300)
            if draw < 0.5 or rich
            else None
        )
        if after is not None and day + datetime.timedelta(days=after) < today:
            issued = day + datetime.timedelta(days=after)
            kind = generate.weighted(rng, (("FMM", 50), ("TVRH", 30), ("CURP_TEMP", 20)))
            document_id = self.ins.allocate(IdentityDocument)
            rows[IdentityDocument].append(
                make(
                    IdentityDocument,
                    id=document_id,
                    person_id=person_id,
                    doc_type=kind,
                    number=f"{kind}{rng.randint(10**8, 10**9 - 1)}",
                    issuer="INM",
                    issued_on=issued,
                    expires_on=issued + datetime.timedelta(days=180 if kind != "TVRH" else 365),
                    **self.stamp(self.moment(issued)),
                )
            )
            if rich or rng.random() < 0.6:
                applied = issued - datetime.timedelta(days=rng.randint(0, 5))
                rows[DocumentProcedure].append(
                    make(
                        DocumentProcedure,
                        person_id=person_id,
                        doc_type=kind,
                        status="issued",
                        applied_on=applied,
                        office=f"INM {self.org.city}",
                        decided_on=issued,
                        advice_given_on=applied if kind == "TVRH" else None,
                        document_id=document_id,
                        **self.stamp(self.moment(applied)),
                    )
                )
        if rich:
            filed = day + datetime.timedelta(days=rng.randint(5, 60))
            if filed >= today:
                filed = max(day, today - datetime.timedelta(days=1))
            rows[DocumentProcedure].append(
                make(
                    DocumentProcedure,
                    person_id=person_id,
                    doc_type="COMAR_CONSTANCIA",
                    status="applied",
                    applied_on=filed,
                    office=f"COMAR {self.org.city}",
                    advice_given_on=filed,
                    note="Se explicó el riesgo de reasentamiento firme.",
                    **self.stamp(self.moment(filed)),
                )
            )
            steps = [("filed", filed)]
            if rng.random() < 0.6:
                steps.append(("interview_scheduled", filed + datetime.timedelta(days=20)))
            for stage, on in steps:
                rows[ComarStep].append(
                    make(
                        ComarStep,
                        person_id=person_id,
                        stage=stage,
                        on=min(on, today),
                        office=f"COMAR {self.org.city}",
                        next_date=on + datetime.timedelta(days=30),
                        advice_given_on=filed,
                        **self.stamp(self.moment(min(on, today))),
                    )
                )

    def rights(
        self,
        rows: dict[Any, list[Any]],
        person_id: int,
        day: datetime.date,
        age: int,
        sex: str,
        rich: bool,
    ) -> None:
        """Health for 70 % (in process or a barrier first, access later); school for 75 % of
        the children 3–17 (access within 60 days, a barrier first for some); work for 40 % of
        the adults; mental health 5 %; gender-based violence for 2 % of the women."""
        from salvaguarda.referrals.rights.models import RightRecord

        rng, make, today = self.rng, generate.make, self.today

        def record(right: str, state: str, after: int, details: dict[str, Any]) -> None:
            as_of = day + datetime.timedelta(days=after)
            if as_of >= today:
                return
            rows[RightRecord].append(
                make(
                    RightRecord,
                    person_id=person_id,
                    right=right,
                    state=state,
                    barrier=rng.choice(RIGHT_BARRIERS) if state == "barrier" else "",
                    as_of=as_of,
                    details=details if state == "access" else {},
                    **self.stamp(self.moment(as_of)),
                )
            )

        if rich or rng.random() < 0.7:
            first = rng.randint(1, 20)
            record("health", rng.choice(("pending", "barrier")), first, {})
            if rng.random() < 0.7:
                place = {"affiliated": rng.random() < 0.5, "place": rng.choice(CLINICS)}
                record("health", "access", first + rng.randint(5, 60), place)
        if 3 <= age <= 17 and rng.random() < 0.75:
            after = rng.randint(3, 60)
            if rng.random() < 0.25:
                record("school", "barrier", max(0, after - 10), {})
            school = {"school": rng.choice(SCHOOLS), "grade": f"{rng.randint(1, 6)}°"}
            record("school", "access", after, school)
        if age >= 18 and (rich or rng.random() < 0.4):
            state = generate.weighted(rng, (("access", 50), ("barrier", 30), ("pending", 20)))
            record("work", state, rng.randint(10, 120), {"working": state == "access"})
        if rng.random() < 0.05:
            record("mental_health", "access", rng.randint(5, 90), {"place": "DIF"})
        if sex == "female" and age >= 15 and rng.random() < 0.02:
            record("gbv", "access", rng.randint(1, 30), {"place": "Refugio"})

    def referral_pair(
        self, rows: dict[Any, list[Any]], person_id: int, day: datetime.date, rich: bool
    ) -> None:
        """2 referrals in the 60 days after the first return, each with its consent and the
        sender's `ReferredPerson`: 85 % to a member's service (the rich people's first one
        to another member's), 15 % outside; statuses by age as in bench/referrals.py, and
        the receiver's answer as a step (in time for 80 %)."""
        from salvaguarda.people.models import Consent
        from salvaguarda.referrals.referring.models import (
            Referral,
            ReferralStep,
            ReferredPerson,
        )

        rng, make, now = self.rng, generate.make, self.now
        for n in range(2):
            created = self.moment(day + datetime.timedelta(days=rng.randint(0, 60)))
            if rich and n == 0:
                service = rng.choice(self.others)
            elif rng.random() < 0.85:
                service = rng.choice(self.member_services)
            else:
                service = rng.choice(self.outside)
            recipient = service.provider.network_organization_id
            urgency = referrals.weighted(rng, referrals.URGENCIES)
            due = created + datetime.timedelta(days=referrals.ANSWER_DAYS[urgency])
            age_days = (now - created).days
            status = referrals.weighted(rng, referrals.STATUSES)
            waiting = 0.7 if age_days < 10 else 0.35 if age_days < 90 else 0.05
            if rng.random() < waiting:
                status = "sent"
            elif status == "sent":
                status = "closed"
            changed = created if status == "sent" else min(now, due - datetime.timedelta(hours=2))
            user = rng.choice(self.staff)
            receiver = self.staff_of[recipient][0] if recipient else None
            outcome = referrals.weighted(rng, OUTCOMES) if status == "closed" else ""
            consent_id = self.ins.allocate(Consent)
            rows[Consent].append(
                make(
                    Consent,
                    id=consent_id,
                    person_id=person_id,
                    purpose="referral",
                    recipient=self.name_of.get(recipient, service.provider.name)[:160],
                    given_at=created - datetime.timedelta(minutes=5),
                    language="es",
                    **self.stamp(created, user),
                )
            )
            self.referrals += 1
            referral_id = self.ins.allocate(Referral)
            rows[Referral].append(
                make(
                    Referral,
                    id=referral_id,
                    recipient_id=recipient,
                    reference=f"R-{self.referrals:07d}",
                    service_id=service.pk,
                    urgency=urgency,
                    answer_due_at=due,
                    status=status,
                    status_changed_at=changed,
                    shared_fields=["nationality", "languages"],
                    shared={"nationality": "HND", "languages": ["es"]} if recipient else {},
                    reason="Necesita atención médica." if recipient else "",
                    outcome=outcome,
                    barrier=rng.choice(REFERRAL_BARRIERS)
                    if outcome not in ("", "received")
                    else "",
                    outcome_on=changed.date() if status == "closed" else None,
                    sender_caseworker_id=user.pk,
                    receiver_caseworker_id=receiver.pk
                    if receiver and status not in ("sent", "cancelled")
                    else None,
                    **(self.stamp(created, user) | {"modified_at": changed}),
                )
            )
            kind = {"accepted": "accepted", "closed": "accepted", "declined": "declined"}.get(
                status, "info_requested" if status == "info_requested" else ""
            )
            if recipient and kind:
                late = rng.random() >= 0.8
                answered = (
                    due + datetime.timedelta(hours=rng.randint(1, 96))
                    if late
                    else created + (due - created) * rng.random()
                )
                rows[ReferralStep].append(
                    make(
                        ReferralStep,
                        referral_id=referral_id,
                        recipient_id=recipient,
                        kind=kind,
                        by_recipient=True,
                        **self.stamp(min(answered, now), receiver),
                    )
                )
            rows[ReferredPerson].append(
                make(
                    ReferredPerson,
                    referral_id=referral_id,
                    person_id=person_id,
                    consent_id=consent_id,
                    **self.stamp(created, user),
                )
            )


def generate_main(scale: int, db: str) -> dict[str, Any]:
    """Migrate; the network and its directory (bench/referrals.py); then each member's
    people, an eighth of `scale` each, households in the order of their first return."""
    common.setup_django()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.referrals.directory.models import Service

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.monotonic()
    rng = random.Random(SEED)
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        orgs = referrals.network(rng)
        member = referrals.directory(rng, orgs, now)
    outside = list(
        Service.objects.filter(provider__network_organization__isnull=True).select_related(
            "provider"
        )[:2000]
    )
    directory_done = time.monotonic()
    inserter = Inserter()
    per_org = scale // len(orgs)
    span = (now.date() - FIRST_RETURN).days
    counts: dict[str, int] = {}
    progress: list[dict[str, Any]] = []
    for org, staff in orgs:
        people = People(rng, inserter, org, staff, orgs, member, outside, now)
        # Family groups until the member has its share, each arriving on a day of the span
        # (in order of that day, so ids and dates grow together).
        sizes: list[int] = []
        while sum(sizes) < per_org:
            sizes.append(generate.weighted(rng, FAMILY_SIZES))
        days = sorted(FIRST_RETURN + datetime.timedelta(days=rng.randrange(span)) for _ in sizes)
        families = list(zip(days, sizes, strict=True))
        step = max(1, CHUNK_PEOPLE * 100 // 253)  # 2.53 people per group on average
        for at in range(0, len(families), step):
            with transaction.atomic(), organization_scope(org.pk):
                people.chunk(families[at : at + step])
        for key, value in people.counts.items():
            counts[key] = counts.get(key, 0) + value
        progress.append(
            {"organization": org.pk, "people": people.people, "at": time.monotonic() - started}
        )
        common.log(
            f"{org.short_name}: {people.people:,} people ({time.monotonic() - started:.0f} s)"
        )
    inserter.reset_sequences()
    done = time.monotonic()
    people_seconds = done - directory_done
    state = {
        "scale": scale,
        "people": counts.get("person", 0),
        "rows": counts,
        "schema": schema_fingerprint(),
        "generated_at": now.isoformat(),
        "migrate_seconds": round(migrated - started, 1),
        "directory_seconds": round(directory_done - migrated, 1),
        "people_seconds": round(people_seconds, 1),
        "people_per_second": round(counts.get("person", 0) / people_seconds),
        "rows_per_second": round(sum(counts.values()) / people_seconds),
        "seconds_per_100000_people": round(people_seconds * 100_000 / max(1, scale), 1),
        "seconds": round(done - started, 1),
        "progress": progress,
    }
    common.write_json(marker_path(db, scale), state)
    return state


# --- PostgreSQL from SQLite, and before each measure ------------------------------------

CSV = "WITH (FORMAT csv, NULL '\\N')"  # as `sqlite3 -csv -nullvalue '\\N'` writes it
# Filled by `migrate` on each engine, with ids of their own: not copied.
NOT_COPIED = {"django_migrations", "django_content_type", "auth_permission", "sqlite_sequence"}


def copy_main(scale: int) -> dict[str, Any]:
    """PostgreSQL's data as a copy of the SQLite database generated at the same scale (the
    same rows on both engines, several times faster than generating them again): migrate,
    empty the tables, then each table's rows sent with COPY, foreign keys unchecked while
    loading (`session_replication_role = replica`: the rows are SQLite's, already
    consistent), the sequences moved past them, and VACUUM ANALYZE. A table is piped from the
    `sqlite3` command line (CSV) into `psql`'s COPY; one with binary columns (the wrapped
    keys) goes through psycopg. Encrypted values stay valid: each is bound to its row's uuid,
    and the organizations' keys are copied with them."""
    import sqlite3

    common.setup_django()
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.monotonic()
    path = sqlite_path(scale)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = [
        row[0]
        for row in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        if row[0] not in NOT_COPIED
    ]
    connection.ensure_connection()
    raw = connection.connection
    url = database_url("postgresql", scale)
    counts: dict[str, int] = {}
    with raw.cursor() as cursor:
        present = [
            t
            for t in tables
            if cursor.execute("SELECT to_regclass(%s)", [f'"{t}"']).fetchone()[0] is not None
        ]
        with raw.transaction():
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in present) + " CASCADE")
        for table in present:
            types = dict(
                cursor.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                    [table],
                ).fetchall()
            )
            info = {
                row[1]: row[2].upper() for row in source.execute(f'PRAGMA table_info("{table}")')
            }
            columns = [c for c in types if c in info]
            names = ", ".join(f'"{c}"' for c in columns)
            select = f'SELECT {names} FROM "{table}"'
            counts[table] = source.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            if not counts[table]:
                continue
            if any(info[c] == "BLOB" for c in columns):
                with raw.transaction():
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    cursor.execute("SET LOCAL TIME ZONE 'UTC'")
                    with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                        for row in source.execute(select):
                            copy.write_row(row)
            else:
                dump = subprocess.Popen(
                    ["sqlite3", "-readonly", "-csv", "-nullvalue", "\\N", str(path), select],
                    stdout=subprocess.PIPE,
                )
                load = subprocess.run(
                    [
                        "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url,
                        "-c", "SET session_replication_role = replica",
                        "-c", "SET TIME ZONE 'UTC'",
                        "-c", f"COPY \"{table}\" ({names}) FROM STDIN {CSV}",
                    ],
                    stdin=dump.stdout,
                    capture_output=True,
                    text=True,
                )  # fmt: skip
                if dump.stdout is not None:
                    dump.stdout.close()
                if dump.wait() != 0 or load.returncode != 0:
                    raise SystemExit(f"copying {table}: {load.stderr[-2000:]}")
            if types.get("id") in ("integer", "bigint", "smallint"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'(SELECT MAX(id) FROM "{table}"))'
                )
        copied_rows = cursor.execute("SELECT COUNT(*) FROM people_person").fetchone()[0]
    if copied_rows != counts.get("people_person"):
        raise SystemExit(f"people: {copied_rows} copied of {counts.get('people_person')}")
    copied = time.monotonic()
    cursor = connection.cursor()
    cursor.execute("VACUUM ANALYZE")
    done = time.monotonic()
    generated = json.loads(marker_path("sqlite", scale).read_text())
    state = {
        "scale": scale,
        "people": generated["people"],
        "rows": generated["rows"],
        "schema": schema_fingerprint(),
        "generated_at": generated["generated_at"],
        "copied_from_sqlite": True,
        "copied_rows": sum(counts.values()),
        "migrate_seconds": round(migrated - started, 1),
        "copy_seconds": round(copied - migrated, 1),
        "vacuum_analyze_seconds": round(done - copied, 1),
        "rows_per_second": round(sum(counts.values()) / (copied - migrated)),
        "people_per_second": round(generated["people"] / (copied - migrated)),
        "seconds_per_100000_people": round((copied - migrated) * 100_000 / max(1, scale), 1),
        "seconds": round(done - started, 1),
    }
    common.write_json(marker_path("postgresql", scale), state)
    return state


def optimize_main(scale: int, db: str) -> dict[str, Any]:
    """As the owner of the tables, before each measure: the app's statistics refresh, a signed
    in session for one caseworker of each member, and on PostgreSQL the plain role."""
    common.setup_django()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django.middleware.csrf import CSRF_SESSION_KEY, _get_new_csrf_string
    from django.utils import timezone

    from salvaguarda.accounts.models import Membership, Role, UserSession
    from salvaguarda.accounts.queries import ACTIVE_MEMBERSHIP_SESSION_KEY
    from salvaguarda.accounts.services import SIGNED_IN_AT_KEY
    from salvaguarda.core import upkeep

    started = time.monotonic()
    # Migrations added since the generation apply to the data as they would in production.
    call_command("migrate", verbosity=0, interactive=False)
    done: dict[str, Any] = {"migrate_seconds": round(time.monotonic() - started, 1)}
    started = time.monotonic()
    done["optimize"] = upkeep.database_optimize(full=True)
    done["optimize_seconds"] = round(time.monotonic() - started, 1)
    now = timezone.now()
    earlier = UserSession.objects.filter(user__email__endswith=".bench.invalid")
    SessionStore.get_model_class().objects.filter(
        session_key__in=earlier.values("session_key")
    ).delete()
    earlier.delete()
    cookies = {}
    members = (
        Membership.objects.select_related("user")
        .filter(organization__short_name__startswith="BENCH-R", role=Role.CASEWORKER)
        .order_by("organization_id", "pk")
    )
    for membership in members:
        if str(membership.organization_id) in cookies:
            continue
        user = membership.user
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[SIGNED_IN_AT_KEY] = now.timestamp()
        session[ACTIVE_MEMBERSHIP_SESSION_KEY] = str(membership.uuid)
        session[CSRF_SESSION_KEY] = _get_new_csrf_string()
        session.create()
        UserSession.objects.create(
            user=user,
            session_key=session.session_key,
            started_at=now,
            last_seen_at=now,
            user_agent="bench.rights",
        )
        cookies[str(membership.organization_id)] = (
            f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
        )
    common.write_json(sessions_path(db, scale), cookies)
    if connection.vendor == "postgresql":
        role = role_name(scale)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB")
        call_command("grant_app_role", role, verbosity=0)
        done["role"] = role
    return done


# --- measures -----------------------------------------------------------------------------


def summary(times: list[float]) -> dict[str, Any]:
    return {
        "samples": len(times),
        "p50_ms": round(common.percentile(times, 0.5), 2),
        "p95_ms": round(common.percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
    }


@contextlib.contextmanager
def without_referral_panels() -> Any:
    """The person file as before issue 17: the referrals app's panels and its safeguard proof
    source out of the registries, in this process, for the block."""
    from salvaguarda.people import panels, safeguard_proofs

    kept_panels = list(panels._PANELS)
    kept_sources = dict(safeguard_proofs._SOURCES)
    panels._PANELS[:] = [p for p in kept_panels if not p.template.startswith("referrals/")]
    for item, source in kept_sources.items():
        if source.proof.__module__.startswith(REFERRALS_APP):
            del safeguard_proofs._SOURCES[item]
    try:
        yield
    finally:
        panels._PANELS[:] = kept_panels
        safeguard_proofs._SOURCES.clear()
        safeguard_proofs._SOURCES.update(kept_sources)


def check_registries() -> dict[str, Any]:
    """What is taken out: the referrals app's panels (at least the three of issue 17) and its
    safeguard proof sources (at least one)."""
    from salvaguarda.people import panels, safeguard_proofs

    full_panels = [p.template for p in panels._PANELS]
    full_sources = sorted(str(item) for item in safeguard_proofs._SOURCES)
    with without_referral_panels():
        bare_panels = [p.template for p in panels._PANELS]
        bare_sources = sorted(str(item) for item in safeguard_proofs._SOURCES)
    taken = [t for t in full_panels if t not in bare_panels]
    if not set(PANEL_TEMPLATES) <= set(taken) or len(bare_sources) >= len(full_sources):
        raise SystemExit(f"the referrals app's panels are not as expected: {full_panels}")
    return {
        "panels_taken_out": taken,
        "panels_kept": bare_panels,
        "proof_sources_taken_out": [i for i in full_sources if i not in bare_sources],
        "proof_sources_kept": bare_sources,
    }


def rich_people(orgs: list[int], per_org: int, rng: random.Random) -> list[tuple[int, str]]:
    """(organization, person uuid) of people with rights records, document procedures, a COMAR
    step and 2 referrals, one of them to another member."""
    from django.db.models import Exists, Max, Min, OuterRef, Q

    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.people.models import Person
    from salvaguarda.referrals.documents.models import ComarStep, DocumentProcedure
    from salvaguarda.referrals.referring.models import ReferredPerson
    from salvaguarda.referrals.rights.models import RightRecord

    chosen = []
    for org in orgs:
        with organization_scope(org):
            low, high = Person.objects.aggregate(low=Min("id"), high=Max("id")).values()
            drawn = [rng.randint(low, high) for _ in range(per_org * 120)]
            crossing = ReferredPerson.objects.filter(person=OuterRef("pk")).filter(
                ~Q(referral__recipient_id=org), referral__recipient__isnull=False
            )
            candidates = list(
                Person.objects.filter(
                    Q(pk__in=drawn),
                    Exists(ComarStep.objects.filter(person=OuterRef("pk"))),
                    Exists(DocumentProcedure.objects.filter(person=OuterRef("pk"))),
                    Exists(RightRecord.objects.filter(person=OuterRef("pk"))),
                    Exists(crossing),
                ).values_list("uuid", flat=True)
            )
        for person in rng.sample(candidates, min(per_org, len(candidates))):
            chosen.append((org, str(person)))
    rng.shuffle(chosen)
    return chosen


def request(handler: Any, target: str, cookie: str) -> tuple[int, bytes, float]:
    env = floor.environ("GET", target, "", cookie)
    started = time.perf_counter()
    status, body = floor.call(handler, env)
    return status, body, (time.perf_counter() - started) * 1000


class TimedCapture(floor.Capture):
    """floor.Capture, with each statement's own time."""

    def __init__(self) -> None:
        super().__init__()
        self.timed: list[tuple[str, float]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.timed.append((sql, (time.perf_counter() - started) * 1000))
            self.statements.append((sql, params, many))


def measure_person_pages(
    handler: Any, people: list[tuple[int, str]], cookies: dict[str, str]
) -> dict[str, Any]:
    """Each person's page with and without the referrals app's panels, one after the other
    (the order alternating), after a warm-up of both. Then, untimed, each variant of 20 of
    them with its statements captured: how many, and their time in the database."""
    from django.db import connection

    for org, person in people[:5]:
        request(handler, f"/personas/{person}/", cookies[str(org)])
        with without_referral_panels():
            request(handler, f"/personas/{person}/", cookies[str(org)])
    times: dict[str, list[float]] = {"full": [], "bare": []}
    cpus: dict[str, list[float]] = {"full": [], "bare": []}
    statuses: dict[str, int] = {}
    for n, (org, person) in enumerate(people):
        target, cookie = f"/personas/{person}/", cookies[str(org)]
        for variant in ("full", "bare") if n % 2 == 0 else ("bare", "full"):
            cpu = time.process_time()
            if variant == "full":
                status, body, ms = request(handler, target, cookie)
                if status == 200 and b"R-0" not in body:
                    raise SystemExit(f"the page of {person} shows no referral: not signed in?")
            else:
                with without_referral_panels():
                    status, body, ms = request(handler, target, cookie)
                if status == 200 and b"R-0" in body:
                    raise SystemExit("the page without the panels still shows the referrals")
            cpus[variant].append((time.process_time() - cpu) * 1000)
            times[variant].append(ms)
            statuses[f"{variant} {status}"] = statuses.get(f"{variant} {status}", 0) + 1
    queries: dict[str, list[int]] = {"full": [], "bare": []}
    in_database: dict[str, list[float]] = {"full": [], "bare": []}
    for org, person in people[:20]:
        target, cookie = f"/personas/{person}/", cookies[str(org)]
        for variant in ("full", "bare"):
            capture = TimedCapture()
            with contextlib.ExitStack() as stack:
                if variant == "bare":
                    stack.enter_context(without_referral_panels())
                stack.enter_context(connection.execute_wrapper(capture))
                request(handler, target, cookie)
            queries[variant].append(len(capture.statements))
            in_database[variant].append(sum(t for _, t in capture.timed))
    result: dict[str, Any] = {
        "people": len(people),
        "statuses": statuses,
        "with_panels": summary(times["full"]),
        "without_panels": summary(times["bare"]),
        "cpu_p50_ms": {k: round(common.percentile(v, 0.5), 2) for k, v in cpus.items()},
        "queries_with_panels": max(set(queries["full"]), key=queries["full"].count),
        "queries_without_panels": max(set(queries["bare"]), key=queries["bare"].count),
        "queries_range": {k: [min(v), max(v)] for k, v in queries.items()},
        "in_database_p50_ms": {
            k: round(common.percentile(v, 0.5), 2) for k, v in in_database.items()
        },
    }
    for q in ("p50", "p95"):
        with_, without = result["with_panels"][f"{q}_ms"], result["without_panels"][f"{q}_ms"]
        result[f"ratio_{q}"] = round(with_ / without, 3)
    # Paired: each person's own difference, the noise of the machine mostly cancelled.
    diffs = [f - b for f, b in zip(times["full"], times["bare"], strict=True)]
    result["paired_difference_ms"] = {
        "p50": round(common.percentile(diffs, 0.5), 2),
        "mean": round(sum(diffs) / len(diffs), 2),
    }
    result["target_ratio_p95"] = TARGET_RATIO
    result["met"] = result["ratio_p95"] <= TARGET_RATIO
    return result


def measure_indicators(
    handler: Any, orgs: list[int], cookies: dict[str, str], rounds: int
) -> dict[str, Any]:
    """The indicators page of each member: last 12 months and all time, every port and
    one port; `rounds` times round all of them. Each statement's time is kept."""
    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate()
    year_ago = today - datetime.timedelta(days=364)
    periods = {
        "12_months": (year_ago, today),
        "all_time": (datetime.date(2000, 1, 1), today),
    }
    cases = [(p, port) for p in periods for port in ("", SAMPLE_PORT)]
    times: dict[str, list[float]] = {f"{p} {port or 'all ports'}": [] for p, port in cases}
    slowest: dict[str, Any] = {"ms": 0.0}
    statuses: dict[str, int] = {}
    queries = 0
    for org in orgs[:2]:  # warm-up
        request(handler, "/indicadores/derechos/", cookies[str(org)])
    for _ in range(rounds):
        for org in orgs:
            for period, port in cases:
                since, until = periods[period]
                target = f"/indicadores/derechos/?desde={since}&hasta={until}&puerto={port}"
                capture = TimedCapture()
                with connection.execute_wrapper(capture):
                    status, body, ms = request(handler, target, cookies[str(org)])
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if status == 200 and b"indicador" not in body.lower():
                    raise SystemExit("the indicators page shows no indicator")
                times[f"{period} {port or 'all ports'}"].append(ms)
                queries = len(capture.statements)
                if ms > slowest["ms"]:
                    slowest = {
                        "ms": round(ms, 1),
                        "organization": org,
                        "target": target,
                        "statements": [
                            {"ms": round(t, 1), "sql": sql[:160]}
                            for sql, t in capture.timed
                            if t > 5
                        ],
                    }
    every = [t for values in times.values() for t in values]
    result = {
        "all": summary(every),
        "cases": {name: summary(values) for name, values in times.items()},
        "statuses": statuses,
        "queries": queries,
        "slowest": slowest,
        "target_ms": TARGET_INDICATORS_MS,
    }
    result["met"] = result["all"]["p95_ms"] < TARGET_INDICATORS_MS
    return result


def explain_indicators(org: int, target: str) -> str:
    """The plans of the slowest indicators page's statements (as the measure's role)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.referrals.indicators import queries

    query = dict(p.split("=", 1) for p in target.split("?", 1)[1].split("&"))
    filters = queries.Filters(
        since=datetime.date.fromisoformat(query["desde"]),
        until=datetime.date.fromisoformat(query["hasta"]),
        port=query.get("puerto", ""),
    )
    with organization_scope(org), CaptureQueriesContext(connection) as captured:
        queries.indicators_for(org, filters)
    plans = []
    with organization_scope(org):
        for item in captured.captured_queries:
            sql = item["sql"]
            if not sql.startswith("SELECT"):
                continue
            plans.append(f"-- {item['time']} s\n{sql}\n{referrals.explain(sql, None)}")
    return "\n\n".join(plans)


def measure_main(scale: int, db: str, samples: int, rounds: int) -> dict[str, Any]:
    common.setup_django()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    cookies = json.loads(sessions_path(db, scale).read_text())
    orgs = sorted(int(k) for k in cookies)
    handler = WSGIHandler()
    rng = random.Random(SEED + 1)
    result: dict[str, Any] = {
        "vendor": connection.vendor,
        "user": connection.settings_dict["USER"],
        "registries": check_registries(),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user"
            )
            result["bypassrls_superuser"] = cursor.fetchone()
    people = rich_people(orgs, max(1, samples // len(orgs)), rng)
    result["load_before"] = os.getloadavg()
    started = time.monotonic()
    result["person"] = measure_person_pages(handler, people, cookies)
    result["person"]["seconds"] = round(time.monotonic() - started, 1)
    result["load_between"] = os.getloadavg()
    started = time.monotonic()
    result["indicators"] = measure_indicators(handler, orgs, cookies, rounds)
    result["indicators"]["seconds"] = round(time.monotonic() - started, 1)
    result["load_after"] = os.getloadavg()
    slowest = result["indicators"]["slowest"]
    result["plans"] = explain_indicators(slowest["organization"], slowest["target"])
    return result


# --- the run ------------------------------------------------------------------------------


def child(step: str, db: str, scale: int, args: Any, *, app_role: bool = False) -> Any:
    log = common.BENCH_DIR / f"rights-{scale}-{db}.log"
    command = [common.PYTHON, "-m", "bench.rights", step, "--scale", str(scale), "--db", db]
    command += ["--samples", str(args.samples), "--rounds", str(args.rounds)]
    env = common.env_for(db, scale, DATABASE_URL=database_url(db, scale, app_role=app_role))
    with log.open("ab") as out:
        done = subprocess.run(command, cwd=common.ROOT, env=env, stdout=subprocess.PIPE, stderr=out)
    text = done.stdout.decode(errors="replace")
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise SystemExit(f"bench.rights {step} {scale} {db} failed:\n{text[-2000:]}\n{tail}")
    return json.loads([line for line in text.splitlines() if line.startswith("{")][-1])


def same_as_sqlite(scale: int) -> bool:
    """Whether the SQLite database of this scale was generated by this generator."""
    marker = marker_path("sqlite", scale)
    return (
        marker.exists()
        and json.loads(marker.read_text()).get("schema") == schema_fingerprint()
        and sqlite_path(scale).exists()
    )


def run_one(scale: int, db: str, args: Any) -> dict[str, Any]:
    prepare_database(db, scale, args.fresh)
    marker = marker_path(db, scale)
    if marker.exists() and json.loads(marker.read_text()).get("schema") != schema_fingerprint():
        common.log(f"{db} {scale:,}: the migrations or the generator changed: generating again")
        prepare_database(db, scale, fresh=True)
    if marker.exists():
        generation = json.loads(marker.read_text()) | {"reused": True}
        common.log(f"{db} {scale:,}: reusing the data generated {generation['generated_at']}")
    elif db == "postgresql" and not args.generate_pg and same_as_sqlite(scale):
        common.log(f"{db} {scale:,}: copying the SQLite database generated at this scale")
        generation = child("copy", db, scale, args)
    else:
        common.log(f"{db} {scale:,}: generating {scale:,} people and {2 * scale:,} referrals")
        generation = child("generate", db, scale, args)
        common.log(
            f"{db} {scale:,}: generated in {generation['seconds']} s "
            f"({generation['people_per_second']:,} people/s, "
            f"{generation['seconds_per_100000_people']} s per 100,000 people)"
        )
    optimized = child("optimize", db, scale, args)
    common.log(f"{db} {scale:,}: statistics refreshed in {optimized['optimize_seconds']} s")
    try:
        measured = child("measure", db, scale, args, app_role=db == "postgresql")
    finally:
        if db == "postgresql":
            note = common.drop_app_role(role_name(scale), [pg_name(scale)])
            if note:
                common.log(note)
    measured["generation"] = generation
    measured["optimize_seconds"] = optimized["optimize_seconds"]
    plans = common.BENCH_DIR / f"explain-rights-{scale}-{db}.txt"
    plans.write_text(measured["plans"] + "\n")
    return measured


def table(results: dict[tuple[int, str], dict[str, Any]]) -> str:
    rows = [
        "| page | people | db | p50 ms | p95 ms | max ms | target | met? |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for (scale, db), r in sorted(results.items()):
        person = r["person"]
        full, bare = person["with_panels"], person["without_panels"]
        rows.append(
            f"| person, without the referrals panels ({person['queries_without_panels']} "
            f"queries) | {scale:,} | {db} | {bare['p50_ms']} | {bare['p95_ms']} | "
            f"{bare['max_ms']} | | |"
        )
        rows.append(
            f"| person, with them ({person['queries_with_panels']} queries) | {scale:,} | {db} "
            f"| {full['p50_ms']} | {full['p95_ms']} | {full['max_ms']} | p95 ≤ "
            f"{TARGET_RATIO:.2f} × without: {person['ratio_p95']} × | "
            f"{'yes' if person['met'] else 'NO'} |"
        )
        ind = r["indicators"]
        for name, figure in [("all", ind["all"]), *ind["cases"].items()]:
            met = "yes" if figure["p95_ms"] < TARGET_INDICATORS_MS else "NO"
            rows.append(
                f"| indicators, {name} | {scale:,} | {db} | {figure['p50_ms']} | "
                f"{figure['p95_ms']} | {figure['max_ms']} | < {TARGET_INDICATORS_MS:g} | {met} |"
            )
    return "\n".join(rows)


def save(scale: int, db: str, result: dict[str, Any]) -> Path:
    path = common.RESULTS_DIR / f"rights-{scale}-{db}.json"
    kept = {k: v for k, v in result.items() if k != "plans"}
    common.write_json(
        path,
        {
            "date": datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
            "commit": figures.git_commit(),
            "machine": figures.machine(),
            "load_average": os.getloadavg(),
            **kept,
        },
    )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Person page and indicators (issue 17)")
    parser.add_argument(
        "step",
        nargs="?",
        default="run",
        choices=["run", "generate", "copy", "optimize", "measure"],
    )
    parser.add_argument("--scale", default="10000", help="people; comma-separated")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--samples", type=int, default=200, help="people whose page is timed")
    parser.add_argument("--rounds", type=int, default=3, help="of the indicators' 32 pages")
    parser.add_argument("--fresh", action="store_true", help="generate again even if present")
    parser.add_argument("--save", action="store_true", help="write bench/results/rights-…")
    parser.add_argument(
        "--generate-pg",
        action="store_true",
        help="generate PostgreSQL's data rather than copy SQLite's of the same scale",
    )
    args = parser.parse_args(argv)
    if args.step == "generate":
        print(json.dumps(generate_main(int(args.scale), args.db), default=str))
        return 0
    if args.step == "copy":
        print(json.dumps(copy_main(int(args.scale)), default=str))
        return 0
    if args.step == "optimize":
        print(json.dumps(optimize_main(int(args.scale), args.db), default=str))
        return 0
    if args.step == "measure":
        with contextlib.redirect_stdout(sys.stderr):
            result = measure_main(int(args.scale), args.db, args.samples, args.rounds)
        print(json.dumps(result, default=str))
        return 0
    common.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    dbs = list(common.DATABASES) if args.db == "both" else [args.db]
    results: dict[tuple[int, str], dict[str, Any]] = {}
    for scale in (int(s) for s in str(args.scale).split(",") if s.strip()):
        for db in dbs:
            results[(scale, db)] = run_one(scale, db, args)
            person = results[(scale, db)]["person"]
            common.log(
                f"{db} {scale:,}: person page p95 {person['with_panels']['p95_ms']} ms with the "
                f"panels, {person['without_panels']['p95_ms']} ms without ({person['ratio_p95']}×)"
                f"; indicators p95 {results[(scale, db)]['indicators']['all']['p95_ms']} ms"
            )
            if args.save:
                path = save(scale, db, results[(scale, db)])
                common.log(f"saved {path.relative_to(common.ROOT)}")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    report = {f"{scale}-{db}": result for (scale, db), result in results.items()}
    common.write_json(common.BENCH_DIR / f"rights-{stamp}.json", report)
    common.write_json(common.BENCH_DIR / "rights-latest.json", report)
    print()
    print(table(results))
    for scale, db in sorted(results):
        print(f"(indicators' query plans: var/bench/explain-rights-{scale}-{db}.txt)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
