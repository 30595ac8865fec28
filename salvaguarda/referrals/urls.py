"""The pages of referrals: the service directory at /directorio/, referrals at /canalizaciones/
(and /personas/<uuid>/canalizar/, from a person's file)."""

from django.urls import include, path

from salvaguarda.referrals.directory import views as directory_views
from salvaguarda.referrals.directory import views_hsds
from salvaguarda.referrals.documents import views as document_views
from salvaguarda.referrals.indicators import views as indicator_views
from salvaguarda.referrals.referring import views as referral_views
from salvaguarda.referrals.rights import views as rights_views

app_name = "referrals"

urlpatterns = [
    path("directorio/", include([*directory_views.urlpatterns, *views_hsds.urlpatterns])),
    *referral_views.urlpatterns,
    *rights_views.urlpatterns,
    *document_views.urlpatterns,
    *indicator_views.urlpatterns,
]
