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
