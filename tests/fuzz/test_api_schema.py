"""Every operation of the API, fuzzed from its own OpenAPI document with schemathesis.

Requests are generated from the document (valid and invalid paths, queries and bodies) and sent
in-process to the WSGI application, with the API tokens of two roles of the demo network: a
coordinator (every operation of case data, letters included) and an analyst (most are refused).
The uuids in paths are, three times out of four, those of real records of the token's
organization, so that the operations go past their 404. A run fails on any server error (5xx)
and on any answer that the document does not describe (status code, content type, or body not
matching its schema).

`make test` runs a few examples per operation (SALVAGUARDA_FUZZ_EXAMPLES, 6 by default);
`make fuzz` runs 1,000 per operation and role and prints the figures. The rate limits are off
here (they are tested in accounts/tests/test_rate_limits.py): the run is one client sending as
fast as it can. An operation whose inputs have fewer distinct values than asked for (one with
no parameter but its path) stops earlier: hypothesis does not send the same case twice.
"""

import hashlib
import io
import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, Phase, given, settings
from PIL import Image
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from salvaguarda.accounts import api_tokens, demo
from salvaguarda.accounts.models import Membership, Role
from salvaguarda.api import api
from salvaguarda.core.scoping import organization_scope
from salvaguarda.court.models import Hearing, HearingImport, ImmigrationCase, Representation
from salvaguarda.incidents import services as incident_services
from salvaguarda.incidents.models import (
    Complaint,
    EvidenceFile,
    Incident,
    IncidentConsent,
    Perpetrator,
    Victim,
)
from salvaguarda.letters.models import Figure, Letter, Signatory, SignatureRequest
from salvaguarda.people.models import Consent, IdentityDocument, Person, Screening, SpecificNeed
from salvaguarda.referrals.referring.models import Referral

EXAMPLES = int(os.environ.get("SALVAGUARDA_FUZZ_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Path parameter -> (model, {other path parameter: the attribute of the record that gives it})
RECORDS: dict[str, tuple[Any, dict[str, str]]] = {
    "person_uuid": (Person, {}),
    "case_uuid": (ImmigrationCase, {}),
    "hearing_uuid": (Hearing, {"case_uuid": "case"}),
    "representation_uuid": (Representation, {"case_uuid": "case"}),
    "document_uuid": (IdentityDocument, {"person_uuid": "person"}),
    "screening_uuid": (Screening, {"person_uuid": "person"}),
    "consent_uuid": (Consent, {"person_uuid": "person"}),
    "need_uuid": (SpecificNeed, {"person_uuid": "person"}),
    "import_uuid": (HearingImport, {}),
    "incident_uuid": (Incident, {}),
    "victim_uuid": (Victim, {}),
    "perpetrator_uuid": (Perpetrator, {}),
    "incident_consent_uuid": (IncidentConsent, {}),
    "complaint_uuid": (Complaint, {}),
    "evidence_uuid": (EvidenceFile, {}),
    "letter_uuid": (Letter, {}),
    "signatory_uuid": (Signatory, {"letter_uuid": "letter"}),
    "figure_uuid": (Figure, {"letter_uuid": "letter"}),
    "signature_uuid": (SignatureRequest, {"letter_uuid": "letter"}),
    "referral_uuid": (Referral, {}),
}
# Parents are set after their children, so that a child's parent wins.
ORDER = sorted(RECORDS, key=lambda name: not RECORDS[name][1])


@dataclass
class Figures:
    """What a run did: cases sent and server errors, by operation."""

    cases: Counter[str] = field(default_factory=Counter)
    server_errors: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)

    def report(self, role: str, seconds: float) -> str:
        return (
            f"schemathesis ({role}): {len(self.cases)} operations, "
            f"{sum(self.cases.values())} cases, {sum(self.server_errors.values())} server errors "
            f"(5xx), {len(self.failures)} operations failing, {seconds:.0f} s; answers: "
            + ", ".join(f"{status}: {count}" for status, count in sorted(self.statuses.items()))
        )


def _document() -> dict[str, Any]:
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))


def _photo_without_end() -> bytes:
    """A small PNG that decodes but stops before IEND (the shared copy cannot be made)."""
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()[:-12]


def _seed() -> dict[str, str]:
    """The demo network, plus a damaged photo; the tokens of two roles, by role."""
    demo.seed(password="a long and unusual passphrase")
    coordinator = Membership.objects.get(
        organization__short_name="CJS", role=Role.COORDINATOR, user__email__startswith="coord"
    )
    analyst = Membership.objects.filter(role=Role.ANALYST).select_related("user").first()
    assert analyst is not None
    with organization_scope(coordinator.organization_id):
        incident = Incident.objects.first()
        assert incident is not None
        incident_services.evidence_add(
            by=coordinator.user,
            incident=incident,
            uploads=[
                incident_services.Upload(source=io.BytesIO(_photo_without_end()), name="a.png")
            ],
        )
    tokens = {}
    for role, membership in (("coordinator", coordinator), ("analyst", analyst)):
        _token, secret = api_tokens.api_token_create(
            by=membership.user, membership=membership, name="fuzz", days=7
        )
        tokens[role] = secret
    return tokens


def _real_records(organization_id: int) -> dict[str, list[Any]]:
    return {
        name: list(model.unscoped.filter(organization_id=organization_id).order_by("pk")[:20])
        for name, (model, _parents) in RECORDS.items()
    }


def _with_real_records(case: Any, records: dict[str, list[Any]]) -> None:
    """Three times out of four, each uuid of the path names a real record (chosen from the
    generated uuid, so that a failing case replays), its parents in the path consistent."""
    parameters = case.path_parameters or {}
    for name in ORDER:
        value = parameters.get(name)
        found = records.get(name) or []
        if not found or not isinstance(value, str):
            continue
        number = int(hashlib.sha256(value.encode()).hexdigest()[:8], 16)
        if number % 4 == 3:
            continue
        record = found[number % len(found)]
        parameters[name] = str(record.uuid)
        for parent, attribute in RECORDS[name][1].items():
            if parent in parameters:
                parameters[parent] = str(getattr(record, attribute).uuid)


@contextmanager
def _connections_kept() -> Iterator[None]:
    """The WSGI handler closes the database connection around each request (it would end the
    test's transaction): keep it open, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _operations(schema: Any) -> Iterator[Any]:
    for result in schema.get_all_operations():
        yield result.ok()


def _fuzz_operation(
    operation: Any,
    label: str,
    examples: int,
    app: Any,
    headers: dict[str, str],
    records: dict[str, list[Any]],
    figures: Figures,
) -> Any:
    """A hypothesis test of one operation: `examples` cases, each checked."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        _with_real_records(case, records)
        figures.cases[label] += 1
        # A savepoint per request: a request that fails inside the database must not leave
        # the test's transaction aborted for the requests after it (PostgreSQL).
        savepoint = transaction.savepoint_create()
        response = case.call(app=app, headers=headers)
        figures.statuses[response.status_code] += 1
        if response.status_code >= 500:
            figures.server_errors[label] += 1
            transaction.savepoint_rollback(savepoint)
        else:
            transaction.savepoint_commit(savepoint)
        case.validate_response(response, checks=CHECKS, headers=headers)

    return check


def fuzz(token: str, organization_id: int, examples: int) -> Figures:
    """Fuzz every operation with `examples` cases each; the figures of the run."""
    schema = schemathesis.openapi.from_dict(_document())
    app = get_wsgi_application()
    records = _real_records(organization_id)
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept-Language": "en",
        "Accept-Encoding": "identity",
    }
    figures = Figures()
    for operation in _operations(schema):
        label = f"{operation.method.upper()} {operation.path}"
        try:
            _fuzz_operation(operation, label, examples, app, headers, records, figures)()
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - all run, then reported
            figures.failures[label] = str(failure)[:3000]
    return figures


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "analyst"])
def test_every_operation_keeps_the_contract_of_the_document(role: str, settings: Any) -> None:
    settings.SALVAGUARDA_API_RATE_PER_TOKEN = 0
    settings.SALVAGUARDA_API_RATE_PER_ADDRESS = 0
    tokens = _seed()
    token = api_tokens.api_token_authenticate(tokens[role])
    assert token is not None
    started = time.monotonic()
    with _connections_kept():
        figures = fuzz(tokens[role], token.membership.organization_id, EXAMPLES)
    print("\n" + figures.report(role, time.monotonic() - started))
    for label, count in sorted(figures.server_errors.items()):
        print(f"  {count} server errors: {label}")
    assert len(figures.cases) >= 80, "every operation of the document was fuzzed"
    assert not figures.failures, "\n\n".join(
        f"{label}:\n{failure}" for label, failure in figures.failures.items()
    )
    assert connection.in_atomic_block
