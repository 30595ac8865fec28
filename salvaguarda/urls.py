from django.urls import include, path

from salvaguarda.api import urls as api_urls

urlpatterns = [
    path("", include("salvaguarda.core.urls")),
    path("cuenta/", include("salvaguarda.accounts.urls")),
    path("personas/", include("salvaguarda.people.urls")),
    path("corte/", include("salvaguarda.court.urls")),
    path("incidentes/", include("salvaguarda.incidents.urls")),
    path("cartas/", include("salvaguarda.letters.urls")),
    path("firmar/", include("salvaguarda.letters.urls_signing")),
    path("api/v1/", api_urls),
]
