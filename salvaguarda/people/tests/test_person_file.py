"""The person's file as the page reads it: prepared queries, names of who recorded each row,
the migration document found among the records read, the timeline's sentences, the links."""

import datetime
import uuid

from django.db import connection
from django.http import Http404
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, sign_in
from salvaguarda.people import queries, queries_records
from salvaguarda.people.models import ContactChannel, IdentityDocument, ReturnEvent
from salvaguarda.people.services import records
from salvaguarda.people.templatetags.people_urls import uuid_url

# The person page with every panel filled (PersonPageWithPanelsTest).
EXPECTED_PAGE_STATEMENTS = 26

RETURN = {
    "program_phase": "MPP2",
    "returned_on": "2022-01-20",
    "return_point": "ELP",
    "received_by": "inm",
    "reception_documents": ["TVRH"],
}


class PersonFileTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = cls.cast.caseworker
        cls.person = make_person(cls.cast.org, by, given_names="Ana", first_surname="Ruiz")
        cls.outsider_person = make_person(cls.cast.other_org, cls.cast.outsider, given_names="B")
        with organization_scope(cls.cast.org.pk):
            records.return_record(by=by, person=cls.person, data=RETURN)
            ContactChannel.objects.create(
                person=cls.person,
                organization_id=cls.cast.org.pk,
                kind="whatsapp",
                number="+526641234567",
                created_by=by,
                modified_by=by,
            )
            records.consent_record(
                by=by,
                person=cls.person,
                purpose="reminders",
                recipient="",
                given_by="self",
                language="spa",
                given_at=datetime.datetime(2025, 1, 15, 18, 30, tzinfo=datetime.UTC),
            )

    def file(self, person_uuid: uuid.UUID, org_id: int | None = None) -> queries.PersonFile:
        with organization_scope(org_id or self.cast.org.pk):
            return queries.person_file_for(self.cast.caseworker, person_uuid)

    def test_the_page_names_who_recorded_each_record(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.get(reverse("people:detail", args=[self.person.uuid]))
        name = self.cast.caseworker.full_name
        self.assertContains(response, "Ana Ruiz")
        self.assertContains(response, "+526641234567")
        with translation.override("es"):
            self.assertContains(response, f"Registro a cargo de {name}")
        file = self.file(self.person.uuid)
        self.assertEqual(file.person.recorded_by, name)
        self.assertEqual([c.recorded_by for c in file.consents], [name])
        self.assertEqual([r.recorded_by for r in file.returns], [name])

    def test_the_timeline_is_in_the_active_language(self) -> None:
        entry = queries.TimelineEntry(datetime.date(2025, 1, 1), "document", "FMM", "Luisa")
        with translation.override("en"):
            self.assertEqual(entry.sentence, "Document recorded: FMM, by Luisa")
        with translation.override("es"):
            self.assertEqual(entry.sentence, "Documento registrado: FMM, por Luisa")

    def test_each_kind_of_record_is_read_once_and_again_the_same_way(self) -> None:
        self.file(self.person.uuid)  # the queries' SQL is built here, once
        for _ in range(2):
            with CaptureQueriesContext(connection) as run:
                self.file(self.person.uuid)
            read = [q["sql"] for q in run.captured_queries if 'FROM "people_' in q["sql"]]
            # The person, then documents, returns, contacts, locations, screenings, needs,
            # consents, safeguards (no family group: no query for it).
            self.assertEqual(len(read), 9, read)

    def test_a_prepared_query_keeps_to_the_active_organization(self) -> None:
        self.assertEqual(len(self.file(self.person.uuid).contacts), 1)
        with self.assertRaises(Http404):
            self.file(self.person.uuid, org_id=self.cast.other_org.pk)
        outsider = self.file(self.outsider_person.uuid, org_id=self.cast.other_org.pk)
        self.assertEqual(outsider.person.pk, self.outsider_person.pk)
        with organization_scope(self.cast.other_org.pk):
            # The other organization's SQL is its own: the first person's rows stay out.
            self.assertEqual(queries._CONTACTS.rows(self.person.pk), [])

    def test_the_migration_document_is_the_one_the_database_would_choose(self) -> None:
        by = self.cast.caseworker
        with organization_scope(self.cast.org.pk):
            documents = list(IdentityDocument.objects.filter(person=self.person))
            returns = list(ReturnEvent.objects.filter(person=self.person))
            self.assertEqual(
                queries_records.migration_document_among(documents, returns),
                queries_records._migration_document_record(self.person),
            )
            self.assertIsInstance(
                queries_records._migration_document_record(self.person), ReturnEvent
            )
            for issued in (datetime.date(2024, 3, 1), None, datetime.date(2023, 6, 10)):
                records.document_record(
                    by=by,
                    person=self.person,
                    data={"doc_type": "FMM", "number": "123", "issued_on": issued},
                )
            documents = list(IdentityDocument.objects.filter(person=self.person))
            chosen = queries_records.migration_document_among(documents, returns)
            self.assertEqual(chosen, queries_records._migration_document_record(self.person))
            self.assertEqual(chosen.issued_on, datetime.date(2023, 6, 10))

    def test_uuid_links_are_the_ones_reverse_gives(self) -> None:
        first, second = uuid.uuid4(), uuid.uuid4()
        for name, args in (
            ("people:detail", [first]),
            ("people:return_edit", [first, second]),
            ("people:consent_receipt", [second, first]),
            ("incidents:detail", [second]),
        ):
            self.assertEqual(uuid_url(name, *args), reverse(name, args=args))
        self.assertEqual(
            uuid_url("people:detail", str(first)), reverse("people:detail", args=[first])
        )


class PersonPageWithPanelsTest(TestCase):
    """The page with the panels other apps add (rights, document procedures and the refugee
    claim, referrals) and their proofs on the checklist: each of their reads made once."""

    def test_the_panels_read_each_kind_of_record_once(self) -> None:
        # The apps above people, for their records only (people imports none of them).
        from django.utils import timezone

        from salvaguarda.referrals.documents import services as documents
        from salvaguarda.referrals.referring.models import Outcome, ReferralStep
        from salvaguarda.referrals.rights.services import right_record
        from salvaguarda.referrals.tests.test_referral_services import Network

        class Family(Network):
            pass

        family = Family()
        Family.build_network()
        cast, mother, son = family.cast, family.mother, family.son
        today = timezone.localdate()
        with organization_scope(cast.org.pk):
            for person, right, state in ((mother, "health", "access"), (son, "school", "access")):
                right_record(
                    by=cast.caseworker,
                    person=person,
                    data={"right": right, "state": state, "as_of": today},
                )
            documents.procedure_start(
                by=cast.caseworker,
                person=mother,
                data={
                    "doc_type": "TVRH",
                    "applied_on": today,
                    "office": "INM Tijuana",
                    "advice_given_on": today,
                },
            )
            documents.comar_step_record(
                by=cast.caseworker,
                person=mother,
                data={"stage": "filed", "on": today, "advice_given_on": today},
            )
        referral = family.send(mother, family.clinic, now=timezone.now())
        family.step(referral, ReferralStep.Kind.ACCEPTED)
        family.close(referral, outcome=Outcome.RECEIVED, outcome_on=today)

        client = sign_in(self.client, cast.caseworker)
        url = reverse("people:detail", args=[mother.uuid])
        client.get(url)  # the prepared queries' SQL is built here, once
        with CaptureQueriesContext(connection) as run:
            response = client.get(url)
        self.assertContains(response, referral.reference)  # the panel and the proof
        self.assertContains(response, family.clinic.name)
        self.assertContains(response, 'data-testid="person-procedures"')
        self.assertContains(response, 'data-testid="person-comar"')
        self.assertContains(response, 'data-right="health" data-state="access"')
        self.assertContains(response, 'data-testid="family-schooling"')
        # Less the savepoints and PostgreSQL's setting of the scope (the same on every page).
        statements = [
            q["sql"]
            for q in run.captured_queries
            if "SAVEPOINT" not in q["sql"] and "set_config" not in q["sql"]
        ]

        def reading(table: str) -> list[str]:
            return [sql for sql in statements if f'FROM "{table}"' in sql]

        # The referrals panel and the proof of "Referrals made" share one read, with the
        # referral, its service and provider in it; the rights panel and the school proof
        # share one of the person's records (the other: the family's children's).
        self.assertEqual(len(reading("referrals_referredperson")), 1, statements)
        self.assertEqual(len(reading("referrals_referral")), 0, statements)
        self.assertEqual(len(reading("referrals_rightrecord")), 2, statements)
        self.assertEqual(len(reading("referrals_documentprocedure")), 1, statements)
        self.assertEqual(len(reading("referrals_comarstep")), 1, statements)
        # The whole page: 28 statements before, when the proofs read the referrals and the
        # school records again.
        self.assertEqual(len(statements), EXPECTED_PAGE_STATEMENTS, statements)
