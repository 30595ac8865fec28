from django.urls import include, path

urlpatterns = [
    path("", include("salvaguarda.core.urls")),
    path("cuenta/", include("salvaguarda.accounts.urls")),
    path("personas/", include("salvaguarda.people.urls")),
]
