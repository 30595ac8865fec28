"""The page of the indicators of access to rights at /indicadores/derechos/ (issue 17 §4), and
its CSV (`?formato=csv`). Every role of the organization (`Policy.MEMBER`: the analyst reads
figures), in its scope."""

import csv
import datetime
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from salvaguarda.core import audit
from salvaguarda.core.access import Policy, active_organization, policy, signed_in_user
from salvaguarda.people.vocab import RETURN_POINTS
from salvaguarda.referrals.indicators import queries
from salvaguarda.referrals.indicators.forms import IndicatorFilterForm

OBJECT_TYPE = "referrals.indicators"


def _csv(found: queries.Indicators) -> HttpResponse:
    """One line per indicator, with a byte-order mark so that spreadsheets read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(queries.CSV_HEADER)
    writer.writerows(queries.csv_rows(found))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filters = found.filters
    name = f"indicadores-{filters.since.isoformat()}-{filters.until.isoformat()}"
    if filters.port:
        name += f"-{filters.port}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Figures only, no person: every role of the organization reads them, the analyst included,
# as the court figures (the "figures only" role exists for this).
@policy(Policy.MEMBER)
def indicators_page(request: HttpRequest) -> HttpResponse:
    """The indicators for the filters (by default the last 90 days, every port), as bars, and
    their methodology; audited as a list, or as an export for the CSV."""
    organization = active_organization(request)
    form = IndicatorFilterForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(
            request, "referrals/indicators.html", {"form": form, "found": None}, status=400
        )
    filters = form.filters()
    wants_csv = request.GET.get("formato") == "csv"
    found = queries.indicators_for(organization.pk, filters)
    audit.record(
        action=audit.Action.EXPORT if wants_csv else audit.Action.LIST,
        actor=signed_in_user(request),
        organization_id=organization.pk,
        object_type=OBJECT_TYPE,
        detail={
            "since": filters.since.isoformat(),
            "until": filters.until.isoformat(),
            "port": filters.port,
            "people": found.cohort.people,
        },
    )
    if wants_csv:
        return _csv(found)
    query = request.GET.copy()
    query["formato"] = "csv"
    query["desde"], query["hasta"] = filters.since.isoformat(), filters.until.isoformat()
    # Nobody returned in the period: where the latest return is, and the year up to it.
    latest = None if found.cohort.people else queries.latest_return(organization.pk, filters.port)
    earlier_query = ""
    if latest is not None and latest < filters.since:
        earlier = request.GET.copy()
        earlier["desde"] = (latest - datetime.timedelta(days=364)).isoformat()
        earlier["hasta"] = latest.isoformat()
        earlier_query = earlier.urlencode()
    return render(
        request,
        "referrals/indicators.html",
        {
            "form": form.as_used(),
            "found": found,
            "port_label": RETURN_POINTS.label(filters.port) if filters.port else "",
            "csv_query": query.urlencode(),
            "latest_return": latest if earlier_query else None,
            "earlier_query": earlier_query,
        },
    )


urlpatterns = [
    path("indicadores/derechos/", indicators_page, name="indicators"),
]
