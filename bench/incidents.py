"""The incidents part of the benchmark: documented violations for the generated people.

    python -m bench.incidents generate --scale N --db sqlite         (after bench.court)
    python -m bench.incidents measure --scale N --db sqlite --out F  (after bench.web prepare)

(`bench/run.py` starts them with the right environment.)

`generate` documents 2 incidents per generated person (2,000,000 at 1,000,000 people), each
suffered by one registered person, days to months after their last return, in the state of
the city where they stay: one or two acts of the short list (weighted as this field reports
them: robbery, extortion, kidnapping with extortion of relatives...), one perpetrator type
(organized crime first, as REDODEM's 2024 figures), sometimes an anonymous witness, consents
to statistics (most), public advocacy and legal action (fewer). The summary is always there
and sealed, the testimony and the perpetrators' identifying details sometimes: encrypted
fields through their own `pre_save`, as the services write them. One audit entry per incident
(the services write one per row: the trail is smaller than in real use). Rows are inserted
with the court benchmark's inserter; a marker (`bench-<scale>-<db>.incidents.json`) records
the generation, and a database already holding it is reused.

`measure` writes the wrk request file of the incident list (filter combinations by act, place,
period, perpetrator and consent, pages 1 to 3), times the same list in the process, and
measures evidence uploads through the service (bytes checked, hashed, encrypted and written):
megabytes per second for 20 MB documents and for 4 MB photos.
"""

import argparse
import datetime
import io
import json
import random
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench import common

GENERATION_VERSION = 1
SEED = 20210121  # the day MPP's new enrollments were suspended
INCIDENTS_PER_PERSON = 2
CHUNK_HOUSEHOLDS = 2000
# (acts of the short list, weight)
ACTS = (
    (("robbery",), 30),
    (("extortion",), 20),
    (("kidnapping", "extortion_relatives"), 12),
    (("kidnapping",), 5),
    (("physical_assault",), 10),
    (("threat",), 9),
    (("arbitrary_detention",), 5),
    (("sexual_assault",), 3),
    (("rape",), 2),
    (("burn", "torture"), 1),
    (("disappearance_private",), 1),
    (("denial_of_services",), 2),
)
GBV = {"rape": "rape", "sexual_assault": "sexual_assault"}
PERPETRATORS = (
    ("organized_crime", 41),
    ("private_individual", 14),
    ("inm_agent", 12),
    ("municipal_police", 9),
    ("common_criminal", 9),
    ("state_police", 5),
    ("smugglers", 4),
    ("national_guard", 4),
    ("gang", 2),
)
PLACES = (
    ("street", 35),
    ("bus_station", 15),
    ("vehicle", 12),
    ("port_of_entry", 10),
    ("hotel", 8),
    ("shelter", 5),
    ("home", 8),
    ("detention_facility", 4),
    ("other", 3),
)
# The city where a person stays (people/vocabularies/cities.csv) → (state, municipality).
PLACE_OF_CITY = {
    "tijuana": ("02", "Tijuana"),
    "mexicali": ("02", "Mexicali"),
    "ciudad_juarez": ("08", "Juárez"),
    "nuevo_laredo": ("28", "Nuevo Laredo"),
    "matamoros": ("28", "Matamoros"),
    "reynosa": ("28", "Reynosa"),
    "monterrey": ("19", "Monterrey"),
    "piedras_negras": ("05", "Piedras Negras"),
    "nogales": ("26", "Nogales"),
    "hermosillo": ("26", "Hermosillo"),
    "saltillo": ("05", "Saltillo"),
    "chihuahua": ("08", "Chihuahua"),
    "cdmx": ("09", "Cuauhtémoc"),
    "tapachula": ("07", "Tapachula"),
}
SUMMARIES = (
    "Le quitaron el dinero y el teléfono al salir de la central.",
    "La subieron a un vehículo y pidieron dinero a su familia en EE. UU.",
    "Agentes le pidieron dinero para no detenerle.",
    "La golpearon en la calle cerca del puerto.",
    "Amenazas por teléfono después de la devolución.",
)
TESTIMONY = (
    "Salimos del puente y nos ofrecieron un taxi. Nos llevaron a una casa donde había otras "
    "personas. Pidieron los números de nuestros familiares y llamaron para pedir dinero. "
    "Después de tres días nos dejaron ir cerca de la central."
)
PHOTO_BYTES = 4 * 1024 * 1024
DOCUMENT_BYTES = 20 * 1024 * 1024


def marker_path(db: str, scale: int) -> Path:
    return common.BENCH_DIR / f"bench-{scale}-{db}.incidents.json"


def weighted(rng: random.Random, table: tuple[tuple[Any, int], ...]) -> Any:
    values = [v for v, _w in table]
    weights = [w for _v, w in table]
    return rng.choices(values, weights=weights)[0]


def age_band(birth_year: int | None, on: datetime.date) -> str:
    if not birth_year:
        return ""
    age = on.year - birth_year
    for band, upper in (("0-11", 11), ("12-17", 17), ("18-25", 25), ("26-40", 40), ("41-60", 60)):
        if age <= upper:
            return band if age >= 0 else ""
    return "61+"


def generator_class() -> Any:
    """The court benchmark's generator (its inserter, audit chain and uuids), making incidents
    instead of cases."""
    from bench.court import CourtGenerator
    from salvaguarda.incidents import vocab

    class IncidentGenerator(CourtGenerator):  # type: ignore[misc]
        LABEL = "incidents"

        def __init__(self, scale: int, now: datetime.datetime) -> None:
            super().__init__(scale, now)
            self.rng = random.Random(SEED)
            self.huridocs = {code: vocab.common_act_huridocs(code) for t in ACTS for code in t[0]}
            self.references: dict[int, int] = {}
            self.folded: dict[str, str] = {}

        def fold(self, text: str) -> str:
            from salvaguarda.lib.normalize import fold_text

            found = self.folded.get(text)
            if found is None:
                found = self.folded[text] = fold_text(text)
            return found

        def chunk(self, org: Any, staff: list[Any], low: int, high: int, chain: Any) -> int:
            from salvaguarda.incidents.models import (
                Act,
                Incident,
                IncidentConsent,
                Perpetrator,
                Victim,
            )
            from salvaguarda.people.models import Person, ReturnEvent

            started = time.perf_counter()
            people = list(
                Person.objects.filter(household_id__gte=low, household_id__lt=high)
                .order_by("id")
                .values_list("id", "sex", "nationality", "birth_year", "current_city")
            )
            if not people:
                return 0
            in_range = {"person_id__gte": people[0][0], "person_id__lte": people[-1][0]}
            latest: dict[int, tuple[datetime.date, str]] = {}
            for person_id, day, port in ReturnEvent.objects.filter(**in_range).values_list(
                "person_id", "returned_on", "return_point"
            ):
                if person_id not in latest or latest[person_id][0] < day:
                    latest[person_id] = (day, port)
            self.read_seconds += time.perf_counter() - started
            rows: dict[str, list[Any]] = {
                "incidents": [],
                "acts": [],
                "victims": [],
                "perpetrators": [],
                "consents": [],
            }
            for person in people:
                for _ in range(INCIDENTS_PER_PERSON):
                    self.incident(org, staff, person, latest.get(person[0]), rows)
            ins = self.inserter
            ins.insert(Incident, rows["incidents"], with_id=True)
            ins.insert(Act, rows["acts"])
            ins.insert(Victim, rows["victims"])
            ins.insert(Perpetrator, rows["perpetrators"])
            ins.insert(IncidentConsent, rows["consents"])
            for incident in rows["incidents"]:
                self.audit(chain, org.pk, incident, INCIDENT_AUDITED)
            self.flush_audit(chain)
            for name, items in rows.items():
                self.count(name, len(items))
            return len(people)

        def incident(
            self,
            org: Any,
            staff: list[Any],
            person: tuple[Any, ...],
            returned: tuple[datetime.date, str] | None,
            rows: dict[str, list[Any]],
        ) -> None:
            from salvaguarda.incidents.models import (
                Act,
                Incident,
                IncidentConsent,
                Perpetrator,
                Victim,
            )

            rng, make = self.rng, self.make
            person_id, sex, nationality, birth_year, city = person
            day, port = returned or (self.today - datetime.timedelta(days=900), "")
            occurred = min(self.today, day + datetime.timedelta(days=rng.randint(0, 120)))
            documented = min(self.today, occurred + datetime.timedelta(days=rng.randint(0, 30)))
            moment = datetime.datetime.combine(documented, datetime.time(17), datetime.UTC)
            by = rng.choice(staff[:5]).pk
            state, municipality = PLACE_OF_CITY.get(city, ("", ""))
            acts = weighted(rng, ACTS)
            number = self.references.get(org.pk, 0) + 1
            self.references[org.pk] = number
            common_fields = {
                "organization_id": org.pk,
                "created_by_id": by,
                "modified_by_id": by,
                "created_at": moment,
                "modified_at": moment,
            }
            incident = make(
                Incident,
                id=self.inserter.allocate(Incident),
                uuid=self.new_uuid(),
                reference=f"I-{number:06d}",
                date_precision="exact",
                occurred_from=occurred,
                occurred_to=occurred,
                country="MEX",
                state=state,
                municipality=municipality,
                municipality_key=self.fold(municipality),
                place_type=weighted(rng, PLACES),
                summary=rng.choice(SUMMARIES),
                testimony=TESTIMONY if rng.random() < 0.25 else None,
                coordinates=None,
                source="direct_testimony",
                documented_by_id=by,
                documented_on=documented,
                return_point=port if returned else "",
                days_since_return=(occurred - day).days if returned else None,
                caused_missed_hearing="yes" if rng.random() < 0.05 else "",
                gbv_type=next((GBV[a] for a in acts if a in GBV), ""),
                **common_fields,
            )
            rows["incidents"].append(incident)
            for code in acts:
                rows["acts"].append(
                    make(
                        Act,
                        uuid=self.new_uuid(),
                        incident_id=incident.id,
                        huridocs=self.huridocs[code],
                        common=code,
                        **common_fields,
                    )
                )
            rows["victims"].append(
                make(
                    Victim,
                    uuid=self.new_uuid(),
                    incident_id=incident.id,
                    person_id=person_id,
                    role="victim",
                    sex=sex,
                    age_band=age_band(birth_year, occurred),
                    nationality=nationality,
                    **common_fields,
                )
            )
            if rng.random() < 0.1:
                rows["victims"].append(
                    make(
                        Victim,
                        uuid=self.new_uuid(),
                        incident_id=incident.id,
                        role="witness",
                        sex=rng.choice(("female", "male")),
                        age_band="26-40",
                        **common_fields,
                    )
                )
            rows["perpetrators"].append(
                make(
                    Perpetrator,
                    uuid=self.new_uuid(),
                    incident_id=incident.id,
                    kind=weighted(rng, PERPETRATORS),
                    how_many=rng.choice((None, 1, 2, 3, 4)),
                    identifying_details="Camioneta gris sin placas" if rng.random() < 0.2 else None,
                    **common_fields,
                )
            )
            for purpose, share in (
                ("statistics", 0.7),
                ("public_advocacy", 0.25),
                ("legal_action", 0.1),
            ):
                if rng.random() < share:
                    rows["consents"].append(
                        make(
                            IncidentConsent,
                            uuid=self.new_uuid(),
                            incident_id=incident.id,
                            purpose=purpose,
                            given_on=documented,
                            **common_fields,
                        )
                    )

    return IncidentGenerator


INCIDENT_AUDITED = ["occurred_from", "source", "state", "summary"]
TABLES = (
    "incidents_act",
    "incidents_victim",
    "incidents_perpetrator",
    "incidents_incidentconsent",
    "incidents_complaint",
    "incidents_evidencefile",
    "incidents_incident",
)


def generate_main(scale: int, db: str) -> int:
    from bench.court import analyze_tables, reusable_state
    from bench.court import marker_path as court_marker

    court_state = json.loads(court_marker(db, scale).read_text())
    common.setup_django()
    from django.utils import timezone

    from salvaguarda.accounts.models import Membership, Organization
    from salvaguarda.incidents.models import Incident

    marker = marker_path(db, scale)
    reused = reusable_state(
        marker,
        version=GENERATION_VERSION,
        people_generated_at=court_state.get("people_generated_at"),
        exists=Incident.unscoped.exists(),
        tables=TABLES,
        what="incidents",
        db=db,
        scale=scale,
    )
    if reused is not None:
        common.seal_audit_chains()
        print(json.dumps(reused))
        return 0
    now = timezone.now().replace(microsecond=0)
    generator = generator_class()(scale, now)
    started = time.monotonic()
    for org in Organization.objects.filter(short_name__startswith="BENCH-").order_by("pk"):
        staff = [
            m.user
            for m in Membership.objects.filter(
                organization=org, user__email__endswith=".bench.invalid"
            )
            .exclude(user__email__startswith="client")
            .select_related("user")
            .order_by("pk")
        ]
        generator.run_org(org, staff)
    generator.inserter.reset_sequences()
    generated = time.monotonic() - started
    counts = generator.counts
    state = {
        "version": GENERATION_VERSION,
        "scale": scale,
        "db": db,
        "people_generated_at": court_state.get("people_generated_at"),
        "counts": counts,
        "generation_seconds": round(generated, 1),
        "incidents_per_second": round(counts.get("incidents", 0) / max(generated, 0.001), 1),
        "insert_seconds": round(generator.inserter.seconds, 1),
        "analyze_seconds": analyze_tables(TABLES),
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(),
    }
    common.write_json(marker, state)
    common.log(f"{db}: generated {counts.get('incidents', 0):,} incidents in {generated:,.0f} s")
    common.seal_audit_chains()
    print(json.dumps(state))
    return 0


# --- measure ---------------------------------------------------------------------------------


def filter_sets(rng: random.Random, count: int) -> list[dict[str, str]]:
    """Filter combinations as people use the list: an act, a place, a period, a perpetrator, a
    consent; one to three at once; pages 1 to 3."""
    acts = ["kidnapping", "extortion", "robbery", "extortion_relatives", "030000000000"]
    kinds = ["organized_crime", "inm_agent", "010104000000", "010000000000"]
    states = [place[0] for place in PLACE_OF_CITY.values()]
    found = []
    for _ in range(count):
        chosen: dict[str, str] = {}
        for name in rng.sample(
            ["act", "place", "period", "perpetrator", "use"], rng.choice((1, 1, 2, 2, 3))
        ):
            if name == "act":
                chosen["act"] = rng.choice(acts)
            elif name == "place":
                city = rng.choice(list(PLACE_OF_CITY))
                chosen["state"] = PLACE_OF_CITY[city][0]
                if rng.random() < 0.5:
                    chosen["municipality"] = PLACE_OF_CITY[city][1]
            elif name == "period":
                start = datetime.date(2019, 3, 1) + datetime.timedelta(days=rng.randint(0, 2000))
                chosen["start"] = start.isoformat()
                span = rng.choice((30, 90, 365))
                chosen["end"] = (start + datetime.timedelta(days=span)).isoformat()
            elif name == "perpetrator":
                chosen["perpetrator"] = rng.choice(kinds)
            else:
                chosen["use"] = rng.choice(("statistics", "public_advocacy", "legal_action"))
        if rng.random() < 0.3:
            chosen["state"] = chosen.get("state", rng.choice(states))
        chosen["page"] = str(rng.choice((1, 1, 1, 2, 3)))
        found.append(chosen)
    return found


def request_file(scale: int, db: str) -> Path:
    return common.BENCH_DIR / f"requests-{scale}-{db}.incidents"


def list_figures(user: Any, org_id: int, sets: list[dict[str, str]]) -> dict[str, Any]:
    """The list as the page reads it (its page of incidents, their acts and perpetrators),
    in the process, one client."""
    from django.db import reset_queries

    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.incidents.queries import IncidentFilters, incidents_page_for

    def run(chosen: dict[str, str]) -> int:
        fields = {k: v for k, v in chosen.items() if k != "page"}
        for name in ("start", "end"):
            if name in fields:
                fields[name] = datetime.date.fromisoformat(fields[name])  # type: ignore[assignment]
        with organization_scope(org_id):
            page = incidents_page_for(
                user,
                IncidentFilters(**fields),
                page=int(chosen["page"]),  # type: ignore[arg-type]
            )
            for incident in page.incidents:
                _ = [a.huridocs for a in incident.acts.all()]
                _ = incident.summary  # decrypted, as the page shows it
        return len(page.incidents)

    for chosen in sets[:5]:
        run(chosen)
    timings, slowest = [], (0.0, {})
    for chosen in sets:
        started = time.perf_counter()
        run(chosen)
        elapsed = (time.perf_counter() - started) * 1000
        timings.append(elapsed)
        slowest = max(slowest, (elapsed, chosen), key=lambda s: s[0])
        reset_queries()
    return {
        "samples": len(timings),
        "p50_ms": round(common.percentile(timings, 0.5), 1),
        "p95_ms": round(common.percentile(timings, 0.95), 1),
        "slowest_ms": round(slowest[0], 1),
        "slowest_filters": slowest[1],
    }


def photo(rng: random.Random, size: int) -> bytes:
    """A JPEG of about `size` bytes (noise compresses badly, as a real photo's detail does)."""
    from PIL import Image

    side = int((size / 3) ** 0.5)
    noise = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=92)
    return out.getvalue()


def upload_figures(user: Any, org: Any, rng: random.Random) -> dict[str, Any]:
    """Evidence uploads through the service (type from the bytes, SHA-256, AES-GCM, written
    and synced): MB/s for 20 MB documents and 4 MB photos. Everything is rolled back and the
    files removed afterwards."""
    from django.db import transaction

    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.incidents import services
    from salvaguarda.incidents.files import sealed
    from salvaguarda.incidents.models import Incident

    document = b"%PDF-1.7\n" + rng.randbytes(DOCUMENT_BYTES - 20) + b"\n%%EOF\n"
    picture = photo(rng, PHOTO_BYTES)
    figures: dict[str, Any] = {}
    with organization_scope(org.pk):
        incident = Incident.objects.order_by("-id").first()
        for name, data, count in (("document_20mb", document, 10), ("photo_4mb", picture, 20)):
            stored: list[str] = []
            started = time.perf_counter()
            with transaction.atomic():
                for n in range(count):
                    upload = services.Upload(source=io.BytesIO(data), name=f"{name}-{n}")
                    rows = services.evidence_add(by=user, incident=incident, uploads=[upload])
                    stored += [row.stored_name for row in rows]
                elapsed = time.perf_counter() - started
                transaction.set_rollback(True)
            for stored_name in stored:
                sealed.remove_sealed(services.evidence_directory(org.pk), stored_name)
            megabytes = len(data) * count / (1024 * 1024)
            figures[name] = {
                "files": count,
                "megabytes": round(megabytes, 1),
                "seconds": round(elapsed, 2),
                "mb_per_second": round(megabytes / elapsed, 1),
            }
    return figures


def measure_main(scale: int, db: str, out: Path, samples: int) -> int:
    common.setup_django()
    from salvaguarda.accounts.models import Membership, Role

    state = json.loads(marker_path(db, scale).read_text())
    membership = (
        Membership.objects.select_related("user", "organization")
        .filter(organization__short_name="BENCH-TIJ", role=Role.CASEWORKER)
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise SystemExit("No benchmark organization: run bench.generate first.")
    rng = random.Random(17)
    sets = filter_sets(rng, 2000)
    path = request_file(scale, db)
    path.write_text(
        "".join(f"GET\t/incidentes/?{urllib.parse.urlencode(chosen)}\t\n" for chosen in sets)
    )
    result: dict[str, Any] = {"generation": state, "file": str(path)}
    result["list"] = list_figures(membership.user, membership.organization_id, sets[:samples])
    common.log(
        f"{db}: incident list in the process p50 {result['list']['p50_ms']} ms, "
        f"p95 {result['list']['p95_ms']} ms"
    )
    result["uploads"] = upload_figures(membership.user, membership.organization, rng)
    common.log(
        f"{db}: evidence uploads "
        + ", ".join(f"{k} {v['mb_per_second']} MB/s" for k, v in result["uploads"].items())
    )
    common.write_json(out, result)
    print(json.dumps(result, default=str))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["generate", "measure"])
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--db", choices=common.DATABASES, required=True)
    parser.add_argument("--out")
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args(argv)
    if args.action == "generate":
        return generate_main(args.scale, args.db)
    if not args.out:
        parser.error("--out is required")
    return measure_main(args.scale, args.db, Path(args.out), args.samples)


if __name__ == "__main__":
    sys.exit(main())
