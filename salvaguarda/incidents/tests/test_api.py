"""The incident endpoints: the same services, isolation, audit and errors as the pages."""

import datetime
import io
from typing import Any

from django.test import Client, TestCase

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import ApiCalls, Cast, make_person
from salvaguarda.incidents.files import images, sniff
from salvaguarda.incidents.models import EvidenceFile, Incident
from salvaguarda.incidents.tests.factories import make_incident
from salvaguarda.incidents.tests.test_services import jpeg_with_gps


def incident_body(**changes: Any) -> dict[str, Any]:
    return {
        "occurred_from": "2025-03-10",
        "summary": "Secuestro en la central de autobuses.",
        "testimony": "Nos subieron a una camioneta gris.",
        "source": "direct_testimony",
        "state": "28",
        "municipality": "Reynosa",
        "acts": [{"common": "kidnapping"}, {"huridocs": "130104000000"}],
        "victims": [{"sex": "female", "age_band": "18-25", "nationality": "HND"}],
        "perpetrators": [{"kind": "organized_crime", "how_many": 2}],
        "consents": [{"purpose": "statistics", "given_on": "2025-03-12"}],
        **changes,
    }


class IncidentApiTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(cls.cast.org, cls.cast.caseworker, given_names="Rosa")
        cls.stranger = make_person(cls.cast.other_org, cls.cast.outsider)

    def setUp(self) -> None:
        self.secret = self.token_for(self.cast.caseworker)

    def test_it_documents_an_incident_in_one_request(self) -> None:
        body = incident_body(victims=[{"person": str(self.person.uuid)}, {"role": "witness"}])
        response = self.call("post", "/incidents", body)
        self.assertEqual(response.status_code, 201, response.content)
        found = response.json()
        self.assertEqual(
            [(a["common"], a["huridocs"]) for a in found["acts"]],
            [("kidnapping", "030104000000"), ("", "130104000000")],
        )
        self.assertEqual(found["victims"][0]["person"], str(self.person.uuid))
        self.assertNotIn("testimony", found)
        listed = self.call("get", "/incidents?act=030000000000&state=28").json()
        self.assertEqual([i["reference"] for i in listed["incidents"]], [found["reference"]])
        mine = self.call("get", f"/people/{self.person.uuid}/incidents").json()
        self.assertEqual([i["uuid"] for i in mine], [found["uuid"]])

    def test_bad_input_is_named_by_field_and_nothing_is_saved(self) -> None:
        response = self.call(
            "post",
            "/incidents",
            incident_body(occurred_from="2099-01-01", acts=[{"huridocs": "123"}]),
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(set(response.json()["errors"]), {"occurred_from", "acts"})
        self.assertFalse(Incident.unscoped.exists())

    def test_a_person_of_another_organization_is_not_found(self) -> None:
        body = incident_body(victims=[{"person": str(self.stranger.uuid)}])
        self.assertEqual(self.call("post", "/incidents", body).status_code, 404)
        self.assertFalse(Incident.unscoped.exists())

    def test_the_testimony_is_read_apart_by_the_roles_allowed(self) -> None:
        incident = make_incident(self.cast.org, self.cast.legal, testimony="Lo que pasó")
        path = f"/incidents/{incident.uuid}/testimony"
        self.assertEqual(self.call("get", path).status_code, 404)
        legal = self.call("get", path, secret=self.token_for(self.cast.legal))
        self.assertEqual(legal.json(), {"testimony": "Lo que pasó"})
        read = AuditEvent.objects.filter(actor=self.cast.legal, object_uuid=incident.uuid)
        self.assertTrue(read.filter(fields=["testimony"]).exists())

    def test_files_are_checked_from_their_bytes_and_only_downloaded(self) -> None:
        incident = make_incident(self.cast.org, self.cast.caseworker)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {self.secret}")
        photo = io.BytesIO(jpeg_with_gps())
        photo.name = "herida.jpg"
        response = client.post(f"/api/v1/incidents/{incident.uuid}/files", {"files": [photo]})
        self.assertEqual(response.status_code, 201, response.content)
        stored = response.json()[0]
        self.assertTrue(stored["had_location"])
        svg = io.BytesIO(b"<svg onload='alert(1)'></svg>")
        svg.name = "foto.jpg"
        refused = client.post(f"/api/v1/incidents/{incident.uuid}/files", {"files": [svg]})
        self.assertEqual(refused.status_code, 422)
        self.assertEqual(EvidenceFile.unscoped.count(), 1)
        content = client.get(f"/api/v1/evidence-files/{stored['uuid']}/content?shared_copy=true")
        self.assertTrue(content["Content-Disposition"].startswith("attachment;"))
        shared = content.content
        self.assertFalse(images.has_location(io.BytesIO(shared), sniff.JPEG))

    def test_a_consent_is_revoked_and_the_export_leaves_the_incident_out(self) -> None:
        incident = make_incident(
            self.cast.org,
            self.cast.caseworker,
            consents=[{"purpose": "statistics", "given_on": datetime.date(2025, 3, 12)}],
        )
        analyst = self.token_for(self.cast.analyst)
        before = self.call("get", "/incidents-export/analysis", secret=analyst)
        self.assertIn(incident.reference, b"".join(before.streaming_content).decode())
        consent = self.call("get", f"/incidents/{incident.uuid}").json()["consents"][0]
        revoked = self.call("post", f"/incident-consents/{consent['uuid']}/revoke")
        self.assertEqual(revoked.status_code, 200)
        after = self.call("get", "/incidents-export/analysis", secret=analyst)
        self.assertNotIn(incident.reference, b"".join(after.streaming_content).decode())
        self.assertEqual(self.call("get", "/incidents", secret=analyst).status_code, 404)
