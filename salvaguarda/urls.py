from django.urls import include, path

from salvaguarda.api import urls as api_urls

urlpatterns = [
    path("", include("salvaguarda.core.urls")),
    path("cuenta/", include("salvaguarda.accounts.urls")),
    path("personas/", include("salvaguarda.people.urls")),
    path("corte/", include("salvaguarda.court.urls")),
    path("incidentes/", include("salvaguarda.incidents.urls")),
    path("cartas/", include("salvaguarda.letters.urls")),
    path("", include("salvaguarda.referrals.urls")),  # /directorio/, /canalizaciones/
    path("firmar/", include("salvaguarda.letters.urls_signing")),
    path("api/v1/", api_urls),
]

# Unknown addresses under /api/ are answered in JSON like the API's other refusals.
handler404 = "salvaguarda.api.not_found"
