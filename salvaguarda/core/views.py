from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from salvaguarda.core.access import Policy, policy
from salvaguarda.people.queries import person_count


@policy(Policy.SIGNED_IN)
def home(request: HttpRequest) -> HttpResponse:
    membership = getattr(request, "membership", None)
    context = {"person_count": person_count() if membership else None}
    return render(request, "core/home.html", context)
