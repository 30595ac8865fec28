"""Generate a synthetic network (no real person) into the benchmark database, fast.

    DATABASE_URL=... python -m bench.generate --scale 100000 [--fresh]

(`bench/run.py` starts it with the right environment.) One organization gets `scale` people in
family groups, a second small one gets 2 % more, to keep isolation realistic. Each person has
1-2 returns, 0-2 documents, a current location, consents, name tokens for search, and ~60 % a
screening with the needs and priority derived by the real rules. Every created record also gets
its audit entry, hash-chained as `core.audit` writes them, so the database size is realistic.

The fast path builds model instances and `bulk_create`s them in batches inside
`organization_scope`: encrypted fields and blind indexes are computed by the fields' `pre_save`,
which `bulk_create` calls. Households are generated in the order of their first return, so ids,
references and creation dates grow together as in a real deployment.

A database already generated at this scale is reused (a marker file records it) unless
`--fresh`; its name tokens are rebuilt when `salvaguarda/people/search/terms.py` changed since.
"""

import argparse
import datetime
import hashlib
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from bench import common
from bench import names as N

CHUNK_HOUSEHOLDS = 1000
BATCH = 2000
SECOND_ORG_SHARE = 0.02
SEED = 20190129  # the first MPP return

# (program phase, first day, last day or None for today, weight)
PHASES = (
    ("MPP1", "2019-01-29", "2021-01-20", 40),
    ("MPP1_WINDDOWN", "2021-02-19", "2021-08-31", 3),
    ("MPP2", "2021-12-06", "2022-08-08", 8),
    ("MPP3", "2025-01-21", None, 10),
    ("EXPEDITED_REMOVAL", "2019-01-01", None, 8),
    ("EXPULSION", "2020-03-21", "2023-05-11", 22),
    ("DEPORTATION", "2019-01-01", None, 6),
    ("INTERIOR_RETURN", "2019-11-01", "2021-01-20", 2),
    ("OTHER", "2019-01-01", None, 1),
)
MPP = {"MPP1", "MPP1_WINDDOWN", "MPP2", "MPP3"}
PORTS = (
    ("SYS", 25),
    ("ELP", 25),
    ("BRO", 14),
    ("LRD", 15),
    ("CAX", 8),
    ("NOG", 5),
    ("EGP", 4),
    ("HID", 3),
    ("OTHER", 1),
)
MOVED_TO = ("monterrey", "cdmx", "tapachula", "saltillo", "hermosillo", "chihuahua", "other")
ADULT_DOCUMENTS = (
    ("PASSPORT", 30),
    ("NATIONAL_ID", 30),
    ("FMM", 15),
    ("TVRH", 10),
    ("CURP_TEMP", 8),
    ("NTA", 7),
)
CHILD_DOCUMENTS = (("BIRTH_CERT", 60), ("PASSPORT", 20), ("FMM", 10), ("CURP_TEMP", 10))
MAYAN = (("quc", "K'iche'"), ("mam", "Mam"), ("kjb", "Q'anjob'al"), ("kek", "Q'eqchi'"))
NOTES = (
    "Llegó con la familia; pide orientación legal.",
    "Refiere amenazas en la ciudad de retorno.",
    "Sin documentos de la audiencia; se orientó.",
    "Requiere seguimiento médico.",
)


def weighted(rng: random.Random, table: tuple[tuple[Any, ...], ...]) -> Any:
    total = sum(row[-1] for row in table)
    point = rng.random() * total
    for row in table:
        point -= row[-1]
        if point <= 0:
            return row[0] if len(row) == 2 else row
    return table[-1][0] if len(table[-1]) == 2 else table[-1]


def screening_band(person: Any, day: datetime.date) -> Any:
    """The age band whose questions a screening on `day` asks (an adult's without birth date)."""
    from salvaguarda.people import screening as rules

    age = person.age_on(day)
    return rules.AgeBand.ADULT if age is None or age < 0 else rules.band_of_age(age)


@dataclass
class Member:
    role: str  # Person.Relationship value
    sex: str
    age: int
    given: str = ""
    first: str = ""
    second: str = ""


@dataclass
class Chain:
    """The organization's audit chain, kept in memory while entries are appended in bulk."""

    key: str
    length: int = 0
    last_hash: str = "0" * 64
    pending: list[Any] = field(default_factory=list)


PLAIN, DATE, FIELD = 0, 1, 2


def make(model: Any, **values: Any) -> Any:
    """An unsaved instance, as `model(**values)` gives, without `Model.__init__`'s cost.

    `values` are by attribute name (`person_id`, not `person`); the other fields get their
    defaults. Encrypted fields keep the clear value until their `pre_save` seals it.
    """
    from django.db.models.base import ModelState

    plan = _DEFAULTS.get(model)
    if plan is None:
        static, dynamic = {}, []
        for f in model._meta.concrete_fields:
            if f.has_default() and callable(f.default):
                dynamic.append((f.attname, f.default))
            else:
                static[f.attname] = f.get_default()
        plan = _DEFAULTS[model] = (static, dynamic)
    obj = model.__new__(model)
    state = obj.__dict__
    state.update(plan[0])
    for attname, default in plan[1]:
        if attname not in values:
            state[attname] = default()
    state.update(values)
    obj._state = ModelState()
    return obj


_DEFAULTS: dict[Any, Any] = {}


class Inserter:
    """What `bulk_create` does per row, without its per-batch machinery.

    Each value goes through the field's own `pre_save` (encryption, blind indexes) and
    `get_db_prep_save`, as in `bulk_create`; rows are then sent with one `executemany` per
    table and batch. Rows that others point to (households, people, screenings) get their ids
    here, so no RETURNING is needed; PostgreSQL sequences are moved past them at the end.
    """

    def __init__(self) -> None:
        from django.db import DEFAULT_DB_ALIAS, connections

        # The connection itself, not the `django.db.connection` proxy (a lookup per access).
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.next_ids: dict[Any, int] = {}
        self.statements: dict[tuple[Any, bool], tuple[str, list[Any]]] = {}
        self.dates: dict[Any, Any] = {}

    def allocate(self, model: Any) -> int:
        from django.db.models import Max

        if model not in self.next_ids:
            top = model._base_manager.aggregate(top=Max("id"))["top"] or 0
            self.next_ids[model] = top + 1
        value = self.next_ids[model]
        self.next_ids[model] = value + 1
        return value

    def statement(self, model: Any, with_id: bool) -> tuple[str, list[Any]]:
        from django.db import models

        key = (model, with_id)
        if key not in self.statements:
            fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
            quote = self.connection.ops.quote_name
            columns = ", ".join(quote(f.column) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
            if self.connection.vendor == "postgresql":
                sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
            # PLAIN columns are sent as they are (what their get_db_prep_save returns for the
            # values generated here); dates are converted once per distinct value; the others
            # go through pre_save and get_db_prep_save.
            plain = (
                models.AutoField,
                models.BigAutoField,
                models.ForeignKey,
                models.BooleanField,
                models.IntegerField,
            )
            getters: list[tuple[int, Any]] = []
            for f in fields:
                if isinstance(f, plain) or type(f) is models.CharField:
                    getters.append((PLAIN, f.attname))
                elif type(f) in (models.DateTimeField, models.DateField):
                    getters.append((DATE, f))
                else:
                    getters.append((FIELD, f))
            self.statements[key] = (sql, getters)
        return self.statements[key]

    def insert(self, model: Any, objs: list[Any], *, with_id: bool = False) -> None:
        if not objs:
            return
        sql, getters = self.statement(model, with_id)
        connection = self.connection
        dates = self.dates
        rows = []
        for obj in objs:
            values = obj.__dict__
            row = []
            for kind, f in getters:
                if kind == PLAIN:
                    row.append(values[f])
                elif kind == DATE:
                    raw = values[f.attname]
                    if raw not in dates:
                        dates[raw] = f.get_db_prep_save(raw, connection)
                    row.append(dates[raw])
                else:
                    row.append(f.get_db_prep_save(f.pre_save(obj, True), connection))
            rows.append(tuple(row))
        if len(dates) > 200_000:
            dates.clear()
        self.execute(sql, rows)

    def execute(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """INSERT ... VALUES with executemany (SQLite), or COPY ... FROM STDIN (PostgreSQL)."""
        if sql.startswith("COPY"):
            self.connection.ensure_connection()
            with self.connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH * 5):
                cursor.executemany(sql, rows[start : start + BATCH * 5])

    def reset_sequences(self) -> None:
        from django.core.management.color import no_style

        if self.connection.vendor != "postgresql" or not self.next_ids:
            return
        statements = self.connection.ops.sequence_reset_sql(no_style(), list(self.next_ids))
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class Generator:
    def __init__(self, scale: int, seed: int = SEED) -> None:
        from django.utils import timezone

        self.scale = scale
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.phases = [
            (
                code,
                datetime.date.fromisoformat(first),
                datetime.date.fromisoformat(last) if last else self.today,
                weight,
            )
            for code, first, last, weight in PHASES
        ]
        self.counts: dict[str, int] = {}
        self.chain_ids: dict[str, int] = {}
        self.person_number = 0
        self.household_number = 0
        self.inserter = Inserter()

    # --- organizations and staff ----------------------------------------------------------

    def organizations(self) -> list[tuple[Any, list[Any], int]]:
        from salvaguarda.accounts.models import Membership, Organization, Role, User
        from salvaguarda.core import keys

        plan = [
            ("BENCH-TIJ", "Albergue de prueba (benchmark)", "Tijuana", self.scale),
            (
                "BENCH-MTY",
                "Clínica de prueba (benchmark)",
                "Monterrey",
                max(100, int(self.scale * SECOND_ORG_SHARE)),
            ),
        ]
        result = []
        for short, name, city, people in plan:
            org = Organization.objects.create(
                name=name,
                short_name=short,
                kind=Organization.Kind.SHELTER,
                city=city,
                state="Baja California" if city == "Tijuana" else "Nuevo León",
                time_zone="America/Tijuana" if city == "Tijuana" else "America/Monterrey",
            )
            keys.create_data_key(org.pk)
            staff = []
            for n, role in enumerate(
                [Role.CASEWORKER] * 4 + [Role.LEGAL, Role.COORDINATOR], start=1
            ):
                user = User(
                    email=f"staff{n}@{short.lower()}.bench.invalid", full_name=f"{role} {n}"
                )
                user.set_unusable_password()
                user.save()
                Membership.objects.create(user=user, organization=org, role=role)
                staff.append(user)
            result.append((org, staff, people))
        return result

    # --- one family group -------------------------------------------------------------------

    def family(self, size: int) -> list[Member]:
        rng = self.rng
        if size <= 2 and rng.random() < 0.05:
            # Unaccompanied children: alone, or siblings travelling together.
            members = [Member("head", rng.choice(("male", "male", "female")), rng.randint(12, 17))]
            if size == 2:
                members.append(
                    Member("sibling", rng.choice(("male", "female")), rng.randint(6, 16))
                )
            return members
        head = Member("head", "female" if rng.random() < 0.55 else "male", rng.randint(18, 58))
        members = [head]
        if size > 1 and rng.random() < 0.55:
            partner_sex = "male" if head.sex == "female" else "female"
            members.append(Member("partner", partner_sex, max(18, head.age + rng.randint(-6, 6))))
        while len(members) < size:
            draw = rng.random()
            if draw < 0.84:
                top = min(17, head.age - 15)
                if top < 0:
                    members.append(Member("sibling", rng.choice(("male", "female")), head.age))
                    continue
                members.append(Member("child", rng.choice(("male", "female")), rng.randint(0, top)))
            elif draw < 0.89:
                members.append(
                    Member("nibling", rng.choice(("male", "female")), rng.randint(2, 16))
                )
            elif draw < 0.94:
                members.append(
                    Member("sibling", rng.choice(("male", "female")), head.age + rng.randint(-8, 8))
                )
            elif draw < 0.97 and head.age < 45:
                members.append(
                    Member("parent", rng.choice(("male", "female")), head.age + rng.randint(18, 30))
                )
            else:
                members.append(
                    Member("unrelated", rng.choice(("male", "female")), rng.randint(18, 50))
                )
        return members

    def name_family(self, members: list[Member], nationality: str) -> None:
        rng = self.rng
        two = N.has_second_surname(nationality)
        for member in members:
            member.first = N.surname(rng, nationality)
            member.second = N.surname(rng, nationality) if two and rng.random() < 0.95 else ""
        head = members[0]
        partner = next((m for m in members if m.role == "partner"), None)
        father = head if head.sex == "male" else partner
        mother = head if head.sex == "female" else partner
        for member in members:
            if member.role == "child":
                if father and mother and two:
                    member.first, member.second = father.first, mother.first
                elif father:
                    member.first = father.first
                    member.second = member.second if two else ""
                elif mother:
                    member.first, member.second = mother.first, mother.second
            elif member.role == "sibling" and member is not head:
                member.first, member.second = head.first, head.second
            member.given = N.given_names(rng, nationality, member.sex, member.age < 18)

    # --- the records of a chunk of family groups --------------------------------------------

    def returns_plan(self, households: int) -> list[tuple[datetime.date, str]]:
        """The first return of every family group, oldest first."""
        plan = []
        for _ in range(households):
            code, first, last, _weight = weighted(self.rng, tuple(self.phases))
            day = first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))
            plan.append((day, code))
        plan.sort()
        return plan

    def moment(self, day: datetime.date, hour: int | None = None) -> datetime.datetime:
        """An aware UTC moment on `day` in working hours of Tijuana."""
        hour = hour if hour is not None else self.rng.randint(15, 23)
        return datetime.datetime.combine(
            day, datetime.time(hour, self.rng.randint(0, 59), self.rng.randint(0, 59)), datetime.UTC
        )

    def run_org(self, org: Any, staff: list[Any], people_target: int, tokens: Any) -> None:
        from salvaguarda.core.models import AuditChain
        from salvaguarda.core.scoping import organization_scope

        households = []
        remaining = people_target
        sizes = ((1, 34), (2, 20), (3, 19), (4, 14), (5, 8), (6, 5))
        while remaining > 0:
            size = min(remaining, weighted(self.rng, sizes))
            households.append(size)
            remaining -= size
        plan = self.returns_plan(len(households))
        chain = Chain(key=f"org:{org.pk}")
        with organization_scope(org.pk):
            AuditChain.objects.get_or_create(key=chain.key)
        started = time.monotonic()
        done = 0
        self.person_number = 0
        self.household_number = 0
        for start in range(0, len(households), CHUNK_HOUSEHOLDS):
            part = list(
                zip(
                    households[start : start + CHUNK_HOUSEHOLDS],
                    plan[start : start + CHUNK_HOUSEHOLDS],
                    strict=True,
                )
            )
            with organization_scope(org.pk):
                done += self.chunk(org, staff, part, chain, tokens)
                AuditChain.objects.filter(key=chain.key).update(
                    length=chain.length, last_hash=chain.last_hash
                )
            elapsed = time.monotonic() - started
            if start // CHUNK_HOUSEHOLDS % 10 == 0 or done >= people_target:
                common.log(
                    f"{org.short_name}: {done:,}/{people_target:,} people "
                    f"({done / elapsed:,.0f} people/s, {elapsed:,.0f} s)"
                )

    def chunk(
        self,
        org: Any,
        staff: list[Any],
        part: list[tuple[int, tuple[datetime.date, str]]],
        chain: Chain,
        tokens: Any,
    ) -> int:
        from salvaguarda.people.models import (
            Consent,
            ContactChannel,
            Household,
            IdentityDocument,
            Person,
            PersonLocation,
            ReturnEvent,
            SafeguardCheck,
            Screening,
            SpecificNeed,
        )
        from salvaguarda.people.services.persons import child_statuses

        rng = self.rng
        org_id = org.pk
        caseworkers = staff[:4]
        house_rows: list[Any] = []
        families: list[tuple[Any, list[Any], datetime.date, str, str, Any]] = []
        for size, (day, phase) in part:
            by = rng.choice(caseworkers)
            created = self.moment(day)
            self.household_number += 1
            household = make(
                Household,
                id=self.inserter.allocate(Household),
                organization_id=org_id,
                reference=f"H-{self.household_number:06d}",
                created_by_id=by.pk,
                modified_by_id=by.pk,
                created_at=created,
                modified_at=created,
            )
            house_rows.append(household)
            nationality = weighted(rng, N.NATIONALITIES)
            members = self.family(size)
            self.name_family(members, nationality)
            people = []
            for member in members:
                people.append(
                    self.person(org_id, by, created, member, nationality, household, phase)
                )
            families.append((household, people, day, phase, nationality, by))
        ins = self.inserter
        ins.insert(Household, house_rows, with_id=True)
        persons: list[Any] = []
        for _household, people, day, *_rest in families:
            # As household_register does: on the day of registration.
            for person, status in zip(people, child_statuses(people, day), strict=True):
                person.child_status = status
            persons.extend(people)
        # Screenings decide the person's priority, which is a column of the person: first.
        rows: dict[str, list[Any]] = {
            name: []
            for name in (
                "returns",
                "documents",
                "locations",
                "consents",
                "contacts",
                "screenings",
                "safeguards",
            )
        }
        screened: list[tuple[Any, Any, list[Any]]] = []
        for household, people, day, phase, nationality, by in families:
            self.family_records(
                org_id, by, household, people, day, phase, nationality, rows, screened
            )
        ins.insert(Person, persons, with_id=True)
        if tokens is not None:
            token_rows = [
                (org_id, row.person_id, row.kind, row.token, row.word_mask, row.grams)
                for person in persons
                for row in tokens(person)
            ]
            ins.execute(self.token_sql, token_rows)
            self.counts["name_tokens"] = self.counts.get("name_tokens", 0) + len(token_rows)
        ins.insert(ReturnEvent, rows["returns"])
        ins.insert(IdentityDocument, rows["documents"])
        ins.insert(PersonLocation, rows["locations"])
        ins.insert(Consent, rows["consents"])
        ins.insert(ContactChannel, rows["contacts"])
        ins.insert(SafeguardCheck, rows["safeguards"])
        ins.insert(Screening, rows["screenings"], with_id=True)
        needs = []
        for person, screening, derived in screened:
            for need in derived:
                needs.append(
                    make(
                        SpecificNeed,
                        organization_id=org_id,
                        person_id=person.id,
                        screening_id=screening.id,
                        code=need.code,
                        subcode=need.subcode,
                        priority=need.priority,
                        reasons=list(need.reasons),
                        identified_on=screening.screened_on,
                        created_by_id=screening.created_by_id,
                        modified_by_id=screening.created_by_id,
                        created_at=screening.created_at,
                        modified_at=screening.created_at,
                    )
                )
        ins.insert(SpecificNeed, needs)
        # The audit entries of what the services would have audited.
        for household, people, *_rest in families:
            self.audit(chain, org_id, household, [])
            for person in people:
                self.audit(
                    chain,
                    org_id,
                    person,
                    [
                        f
                        for f in (
                            "given_names",
                            "first_surname",
                            "second_surname",
                            "sex",
                            "date_of_birth",
                            "birth_precision",
                            "nationality",
                            "languages",
                            "a_number",
                            "relationship",
                        )
                        if getattr(person, f, None) not in (None, "", [])
                    ],
                )
        for name in ("returns", "documents", "contacts", "screenings"):
            for row in rows[name]:
                self.audit(chain, org_id, row, [])
        self.flush_audit(chain)
        for name, items in (("households", house_rows), ("persons", persons), ("needs", needs)):
            self.counts[name] = self.counts.get(name, 0) + len(items)
        for name, items in rows.items():
            self.counts[name] = self.counts.get(name, 0) + len(items)
        return len(persons)

    def person(
        self,
        org_id: int,
        by: Any,
        created: datetime.datetime,
        member: Member,
        nationality: str,
        household: Any,
        phase: str,
    ) -> Any:
        from salvaguarda.people.models import Person

        rng = self.rng
        self.person_number += 1
        born = created.date() - datetime.timedelta(days=member.age * 365 + rng.randint(0, 364))
        born = min(born, self.today)
        precision = weighted(rng, (("exact", 75), ("month", 4), ("year", 5), ("estimated", 16)))
        if precision == "month":
            born = born.replace(day=1)
        elif precision == "year":
            born = born.replace(month=1, day=1)
        languages = ["spa"]
        preferred = "spa"
        indigenous, indigenous_people = "", ""
        interpreter = False
        if nationality == "HTI":
            languages, preferred = ["fra", "hat"], "hat"
            interpreter = rng.random() < 0.7
        elif nationality == "GTM" and rng.random() < 0.25:
            code, people_name = rng.choice(MAYAN)
            languages, preferred = sorted([code, "spa"]), code
            indigenous, indigenous_people = "yes", people_name
            interpreter = rng.random() < 0.4
        elif rng.random() < 0.5:
            indigenous = "no"
        a_number = ""
        if phase in MPP and member.age >= 18 and rng.random() < 0.6:
            a_number = f"2{rng.randint(0, 99_999_999):08d}"
        return make(
            Person,
            id=self.inserter.allocate(Person),
            organization_id=org_id,
            household_id=household.id,
            relationship=member.role,
            is_legal_guardian=member.role in ("partner", "sibling", "parent")
            and member.age >= 18
            and rng.random() < 0.3,
            given_names=member.given,
            first_surname=member.first,
            second_surname=member.second or None,
            other_names=rng.choice(("Chepe", "Lupita", "Nena", "Güero"))
            if rng.random() < 0.02
            else None,
            gender_identity="mujer trans" if rng.random() < 0.003 else None,
            date_of_birth=born,
            indigenous_people=indigenous_people or None,
            a_number=a_number or None,
            reference=f"P-{self.person_number:06d}",
            sex=member.sex,
            birth_precision=precision,
            birth_year=born.year,
            nationality=nationality,
            languages=languages,
            preferred_language=preferred,
            needs_interpreter=interpreter,
            indigenous=indigenous,
            current_city="",
            priority="",
            created_by_id=by.pk,
            modified_by_id=by.pk,
            created_at=created,
            modified_at=created,
        )

    def family_records(
        self,
        org_id: int,
        by: Any,
        household: Any,
        people: list[Any],
        day: datetime.date,
        phase: str,
        nationality: str,
        rows: dict[str, list[Any]],
        screened: list[tuple[Any, Any, list[Any]]],
    ) -> None:
        from salvaguarda.people import screening as rules
        from salvaguarda.people import vocab
        from salvaguarda.people.models import (
            Consent,
            ContactChannel,
            IdentityDocument,
            ReturnEvent,
            SafeguardCheck,
            Screening,
        )

        rng = self.rng
        port = weighted(rng, PORTS)
        city = vocab.RETURN_POINTS.terms[port].extra.get("mexican_city") or "tijuana"
        events = [(day, phase, port, city)]
        if rng.random() < 0.2:
            # A second return, later: in another phase, often through another port.
            code, first, last, _w = weighted(rng, tuple(self.phases))
            later = max(day, first) + datetime.timedelta(days=rng.randint(30, 700))
            later = min(later, self.today)
            port2 = weighted(rng, PORTS)
            city2 = vocab.RETURN_POINTS.terms[port2].extra.get("mexican_city") or "tijuana"
            events.append((later, code, port2, city2))
        current = events[-1][3] if rng.random() < 0.82 else rng.choice(MOVED_TO)
        children = sum(1 for p in people if p.is_child_on(day))
        for person in people:
            created = person.created_at
            person.current_city = current
            minor = person.is_child_on(day)
            for when, code, port_code, mx_city in events:
                mpp = code in MPP
                rows["returns"].append(
                    make(
                        ReturnEvent,
                        organization_id=org_id,
                        person_id=person.id,
                        program_phase=code,
                        returned_on=when,
                        return_point=port_code,
                        mexican_city=mx_city,
                        report_back_at=self.moment(
                            when + datetime.timedelta(days=rng.randint(20, 120)), 14
                        )
                        if mpp and rng.random() < 0.7
                        else None,
                        report_back_place="Puerto de entrada" if mpp else "",
                        nta_date=when - datetime.timedelta(days=rng.randint(1, 30))
                        if mpp
                        else None,
                        received_by=weighted(
                            rng, (("inm", 60), ("civil_society", 15), ("nobody", 10), ("", 15))
                        ),
                        reception_documents=["FMM"] if mpp and rng.random() < 0.6 else [],
                        informed_of_rights=weighted(rng, (("yes", 20), ("no", 55), ("", 25))),
                        offered_screening=weighted(rng, (("yes", 10), ("no", 60), ("", 30))),
                        fear_of_mexico=weighted(rng, (("yes", 45), ("no", 25), ("", 30))),
                        exclusion_claimed=[],
                        exclusion_outcome="",
                        notes=rng.choice(NOTES) if rng.random() < 0.2 else None,
                        created_by_id=by.pk,
                        modified_by_id=by.pk,
                        created_at=created,
                        modified_at=created,
                    )
                )
            for _ in range(weighted(rng, ((0, 30), (1, 45), (2, 25)))):
                doc_type = weighted(rng, CHILD_DOCUMENTS if minor else ADULT_DOCUMENTS)
                issued = day - datetime.timedelta(days=rng.randint(0, 2000))
                if doc_type in ("FMM", "TVRH"):
                    issued = day
                expires = (
                    issued + datetime.timedelta(days=180 if doc_type == "FMM" else 365)
                    if doc_type in ("FMM", "TVRH", "PASSPORT")
                    else None
                )
                if doc_type == "PASSPORT" and expires:
                    expires = issued + datetime.timedelta(days=365 * 5)
                rows["documents"].append(
                    make(
                        IdentityDocument,
                        organization_id=org_id,
                        person_id=person.id,
                        doc_type=doc_type,
                        number=f"{rng.choice('ABCEFGHJKLMNPRSTX')}{rng.randint(0, 99_999_999):08d}",
                        issuer="INM" if doc_type in ("FMM", "TVRH", "CURP_TEMP") else nationality,
                        issued_on=issued,
                        expires_on=expires,
                        holds_original=rng.random() < 0.85,
                        created_by_id=by.pk,
                        modified_by_id=by.pk,
                        created_at=created,
                        modified_at=created,
                    )
                )
            since = events[-1][0]
            if current != events[-1][3]:
                moved = min(self.today, since + datetime.timedelta(days=rng.randint(10, 200)))
                rows["locations"].append(
                    self.location(
                        org_id, by, person, events[-1][3], since, moved - datetime.timedelta(days=1)
                    )
                )
                since = moved
            rows["locations"].append(self.location(org_id, by, person, current, since, None))
            consent_language = "hat" if nationality == "HTI" else "spa"
            purposes = ["registration"]
            purposes += ["statistics"] if rng.random() < 0.5 else []
            purposes += ["reminders"] if rng.random() < 0.3 else []
            for purpose in purposes:
                rows["consents"].append(
                    make(
                        Consent,
                        organization_id=org_id,
                        person_id=person.id,
                        purpose=purpose,
                        given_at=created,
                        given_by="caregiver"
                        if minor and person.child_status == "accompanied"
                        else "self",
                        language=consent_language,
                        created_by_id=by.pk,
                        modified_by_id=by.pk,
                        created_at=created,
                        modified_at=created,
                    )
                )
            if person.relationship == "head" and not minor and rng.random() < 0.7:
                prefix = rng.choice(("+52664", "+52656", "+52868", "+52867"))
                rows["contacts"].append(
                    make(
                        ContactChannel,
                        organization_id=org_id,
                        person_id=person.id,
                        kind=weighted(rng, (("whatsapp", 70), ("phone", 25), ("signal", 5))),
                        number=f"{prefix}{rng.randint(1_000_000, 9_999_999)}",
                        is_preferred=True,
                        created_by_id=by.pk,
                        modified_by_id=by.pk,
                        created_at=created,
                        modified_at=created,
                    )
                )
            if rng.random() < 0.6:
                screened_on = min(self.today, day + datetime.timedelta(days=rng.randint(0, 20)))
                answers = self.answers(person, children, screened_on)
                facts = rules.PersonFacts(
                    age=person.age_on(screened_on), sex=person.sex, child_status=person.child_status
                )
                derived = rules.derive_needs(answers, person_facts=facts)
                person.priority = rules.overall_priority(derived)
                band = screening_band(person, screened_on)
                functioning = rules.functioning(band, answers)
                moment = self.moment(screened_on)
                screening = make(
                    Screening,
                    id=self.inserter.allocate(Screening),
                    organization_id=org_id,
                    person_id=person.id,
                    questionnaire=rules.QUESTIONNAIRE_VERSION,
                    answers=answers,
                    screened_on=screened_on,
                    language=consent_language,
                    age_band=band,
                    has_disability=None if functioning is None else functioning.disability,
                    priority=person.priority,
                    created_by_id=by.pk,
                    modified_by_id=by.pk,
                    created_at=moment,
                    modified_at=moment,
                )
                rows["screenings"].append(screening)
                screened.append((person, screening, derived))
                for item in ("screening_done", "informed_of_status"):
                    if item == "screening_done" or rng.random() < 0.6:
                        rows["safeguards"].append(
                            make(
                                SafeguardCheck,
                                organization_id=org_id,
                                person_id=person.id,
                                item=item,
                                done_on=screened_on,
                                created_by_id=by.pk,
                                modified_by_id=by.pk,
                                created_at=moment,
                                modified_at=moment,
                            )
                        )

    def location(
        self,
        org_id: int,
        by: Any,
        person: Any,
        city: str,
        since: datetime.date,
        until: datetime.date | None,
    ) -> Any:
        from salvaguarda.people.models import PersonLocation

        shelter = self.rng.choice(
            ("Albergue Juventud 2000", "Casa del Migrante", "Albergue Senda de Vida", "Hotel", "")
        )
        return make(
            PersonLocation,
            organization_id=org_id,
            person_id=person.id,
            city=city,
            shelter=shelter or None,
            since=since,
            until=until,
            created_by_id=person.created_by_id,
            modified_by_id=person.created_by_id,
            created_at=person.created_at,
            modified_at=person.created_at,
        )

    def answers(self, person: Any, children: int, day: datetime.date) -> dict[str, Any]:
        """Plausible raw answers to the questionnaire: mostly "no", a few needs."""
        from salvaguarda.people import screening as rules

        rng = self.rng
        adult_woman = person.sex == "female" and (person.age_on(day) or 0) >= 15
        answers: dict[str, Any] = {}
        yes_share = {
            "legal.has_lawyer": 0.12,
            "legal.next_hearing_known": 0.5,
            "legal.has_documents": 0.6,
            "safety.fear_of_return": 0.6,
            "safety.threats": 0.12,
            "gender.single_caregiver": 0.25,
        }
        respondent = rules.Respondent(screening_band(person, day), person.sex)
        for section in rules.sections_for(respondent):  # the questions of their age and sex
            if rng.random() < 0.12:
                continue  # a section not asked
            for question in section.questions:
                if (
                    question.section == "gender"
                    and question.key
                    in (
                        "gender.pregnant",
                        "gender.lactating",
                        "gender.woman_at_risk",
                    )
                    and not adult_woman
                ):
                    continue
                if question.only_after:
                    key, value = question.only_after
                    if answers.get(key) != value:
                        continue
                match question.kind:
                    case rules.Kind.YES_NO:
                        share = yes_share.get(question.key, 0.06)
                        draw = rng.random()
                        answers[question.key] = (
                            "yes" if draw < share else ("unknown" if draw > 0.96 else "no")
                        )
                    case rules.Kind.SENSITIVE:
                        draw = rng.random()
                        answers[question.key] = (
                            "yes" if draw < 0.07 else ("skip" if draw > 0.88 else "no")
                        )
                    case rules.Kind.WG:
                        answers[question.key] = weighted(rng, ((1, 88), (2, 8), (3, 3), (4, 1)))
                    case rules.Kind.NUMBER:
                        answers[question.key] = max(
                            question.minimum, min(question.maximum, children)
                        )
                    case rules.Kind.CHOICE:
                        options = [o.value for o in question.options]
                        answers[question.key] = (
                            options[0] if rng.random() < 0.8 else rng.choice(options)
                        )
        return answers

    # --- audit ------------------------------------------------------------------------------

    def audit(self, chain: Chain, org_id: int, obj: Any, fields: list[str]) -> None:
        """One CREATE entry, hashed exactly as `core.audit.record` does."""
        from types import SimpleNamespace

        from salvaguarda.core import audit

        chain.length += 1
        event = SimpleNamespace(
            sequence=chain.length,
            organization_id=org_id,
            at=obj.created_at,
            actor_id=obj.created_by_id,
            action="create",
            object_type=obj._meta.label_lower,
            object_uuid=obj.uuid,
            fields=sorted(fields),
            detail={},
        )
        digest = audit._digest(chain.last_hash, audit._payload(event))
        chain.pending.append((event, chain.last_hash, digest))
        chain.last_hash = digest

    def flush_audit(self, chain: Chain) -> None:
        from salvaguarda.core.models import AuditEvent

        connection = self.inserter.connection
        meta = AuditEvent._meta
        at, uuid_field = meta.get_field("at"), meta.get_field("object_uuid")
        fields_field, detail_field = meta.get_field("fields"), meta.get_field("detail")
        chain_id = self.chain_ids[chain.key]
        rows = [
            (
                chain_id,
                e.sequence,
                e.organization_id,
                at.get_db_prep_save(e.at, connection),
                e.actor_id,
                e.action,
                e.object_type,
                uuid_field.get_db_prep_save(e.object_uuid, connection),
                fields_field.get_db_prep_save(e.fields, connection),
                detail_field.get_db_prep_save(e.detail, connection),
                previous,
                digest,
            )
            for e, previous, digest in chain.pending
        ]
        self.inserter.execute(self.audit_sql, rows)
        self.counts["audit_events"] = self.counts.get("audit_events", 0) + len(rows)
        chain.pending = []

    @property
    def audit_sql(self) -> str:
        return self.raw_sql(
            "core_auditevent",
            "chain_id, sequence, organization_id, at, actor_id, action, object_type, "
            "object_uuid, fields, detail, previous_hash, hash",
        )

    @property
    def token_sql(self) -> str:
        return self.raw_sql("people_nametoken", NAME_INDEX_COLUMNS)

    def raw_sql(self, table: str, columns: str) -> str:
        return self.raw_sql_for(self.inserter.connection.vendor, table, columns)

    @staticmethod
    def raw_sql_for(vendor: str, table: str, columns: str) -> str:
        if vendor == "postgresql":
            return f"COPY {table} ({columns}) FROM STDIN"
        marks = ", ".join(["%s"] * len(columns.split(",")))
        return f"INSERT INTO {table} ({columns}) VALUES ({marks})"


def _timestamps_as_given() -> None:
    """Let bulk_create keep the creation dates we set (spread over the years), in this process."""
    from django.apps import apps

    for model in apps.get_app_config("people").get_models():
        for field_name in ("created_at", "modified_at"):
            try:
                f = model._meta.get_field(field_name)
            except Exception:  # noqa: S112 - models without these fields
                continue
            f.auto_now = False  # type: ignore[attr-defined]
            f.auto_now_add = False  # type: ignore[attr-defined]


def token_builder() -> Any:
    """`search.name_token_rows`, or None while the search module is still a placeholder."""
    from salvaguarda.people import search

    return getattr(search, "name_token_rows", None)


def search_fingerprint() -> str:
    """Of the code that makes name tokens: when it changes, the tokens are made again."""
    digest = hashlib.sha256()
    root = common.ROOT / "salvaguarda"
    # Only the module that makes the tokens (the query, candidates and ranking read them).
    parts = [root / "people" / "search" / "terms.py"]
    parts += [root / "people" / "vocabularies" / "nicknames.csv"]
    for path in [*parts, root / "lib" / "phonetics.py", root / "lib" / "normalize.py"]:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def rebuild_tokens() -> int:
    """(Re)compute every person's name tokens with the current search module."""
    from django.db import connection

    from salvaguarda.accounts.models import Organization
    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.people.models import Person

    tokens = token_builder()
    if tokens is None:
        return 0
    total = 0
    started = time.monotonic()
    inserter = Inserter()
    sql = Generator.raw_sql_for(connection.vendor, "people_nametoken", NAME_INDEX_COLUMNS)
    for org in Organization.objects.filter(short_name__startswith="BENCH-"):
        with organization_scope(org.pk), connection.cursor() as cursor:
            cursor.execute("DELETE FROM people_nametoken WHERE organization_id = %s", [org.pk])
        last = 0
        while True:
            with organization_scope(org.pk):
                batch = list(
                    Person.objects.filter(pk__gt=last)
                    .only(
                        "uuid",
                        "organization",
                        "given_names",
                        "first_surname",
                        "second_surname",
                        "other_names",
                        "date_of_birth",
                        "birth_precision",
                    )
                    .order_by("pk")[:5000]
                )
                if not batch:
                    break
                rows = [
                    (org.pk, row.person_id, row.kind, row.token, row.word_mask, row.grams)
                    for person in batch
                    for row in tokens(person)
                ]
                inserter.execute(sql, rows)
                total += len(rows)
                last = batch[-1].pk
            if last % 100_000 < 5000:
                common.log(f"name tokens: {total:,} ({time.monotonic() - started:,.0f} s)")
        common.log(
            f"name tokens of {org.short_name}: {total:,} ({time.monotonic() - started:,.0f} s)"
        )
    return total


NAME_INDEX_COLUMNS = "organization_id, person_id, kind, token, word_mask, grams"


def prepare_database(db: str, scale: int, fresh: bool) -> None:
    """Create (or, with --fresh, re-create) the benchmark database."""
    if db == "sqlite":
        path = common.sqlite_path(scale)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        return
    import psycopg

    name = common.pg_name(scale)
    with psycopg.connect(f"{common.PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def marker_path(db: str, scale: int) -> Any:
    return common.BENCH_DIR / f"bench-{scale}-{db}.generated.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--db", choices=common.DATABASES, required=True)
    parser.add_argument("--fresh", action="store_true", help="drop and generate again")
    args = parser.parse_args(argv)
    import json

    marker = marker_path(args.db, args.scale)
    prepare_database(args.db, args.scale, args.fresh)
    if args.fresh:
        marker.unlink(missing_ok=True)
    common.setup_django()
    from django.core.management import call_command
    from django.db import connection

    from salvaguarda.people.models import Person

    call_command("migrate", verbosity=0, interactive=False)
    state = json.loads(marker.read_text()) if marker.exists() else None
    reused = False
    if state is not None:
        count = Person.unscoped.count()
        if count < args.scale:
            common.log(f"{args.db}: marker says generated but {count} people: generating again")
            state = None
    if state is None:
        if Person.unscoped.exists():
            raise SystemExit(
                f"{args.db} bench database for scale {args.scale} holds a partial generation: "
                "run again with --fresh."
            )
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -400000")
        _timestamps_as_given()
        generator = Generator(args.scale)
        tokens = token_builder()
        fingerprint = search_fingerprint()  # of the module the tokens are made with
        started = time.monotonic()
        orgs = generator.organizations()
        from salvaguarda.core.models import AuditChain

        generator.chain_ids = {}
        for org, _staff, _people in orgs:
            chain, _ = AuditChain.objects.get_or_create(key=f"org:{org.pk}")
            generator.chain_ids[chain.key] = chain.pk
        for org, staff, people in orgs:
            generator.run_org(org, staff, people, tokens)
        generator.inserter.reset_sequences()
        generated = time.monotonic() - started
        analyze_started = time.monotonic()
        analyze()
        state = {
            "scale": args.scale,
            "db": args.db,
            "people": generator.counts.get("persons", 0),
            "counts": generator.counts,
            "generation_seconds": round(generated, 1),
            "people_per_second": round(generator.counts.get("persons", 0) / generated, 1),
            "analyze_seconds": round(time.monotonic() - analyze_started, 1),
            "search_fingerprint": fingerprint if tokens else None,
            "generated_at": datetime.datetime.now(datetime.UTC).isoformat(),
        }
        common.write_json(marker, state)
        common.log(
            f"{args.db}: generated {state['people']:,} people in {generated:,.0f} s "
            f"({state['people_per_second']:,.0f} people/s)"
        )
    else:
        common.log(
            f"{args.db}: reusing the scale-{args.scale} database ({state['people']:,} people)"
        )
        reused = True
    if token_builder() is not None and state.get("search_fingerprint") != search_fingerprint():
        common.log(f"{args.db}: name tokens missing or made by another search module: rebuilding")
        started = time.monotonic()
        state["counts"]["name_tokens"] = rebuild_tokens()
        state["token_rebuild_seconds"] = round(time.monotonic() - started, 1)
        analyze()
        state["search_fingerprint"] = search_fingerprint()
        common.write_json(marker, state)
    # A reused database's timings are its generation's, not this run's: marked so.
    common.seal_audit_chains()
    print(json.dumps({**state, "reused": reused}))
    return 0


def analyze() -> None:
    """Planner statistics after a bulk load, as an operator would after an import."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            raw = connection.connection
            autocommit = raw.autocommit
            raw.autocommit = True
            try:
                raw.execute("VACUUM ANALYZE")
            finally:
                raw.autocommit = autocommit
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


if __name__ == "__main__":
    sys.exit(main())
