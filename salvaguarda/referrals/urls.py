"""The pages of referrals: today the service directory, at /directorio/."""

from salvaguarda.referrals.directory import views as directory_views
from salvaguarda.referrals.directory import views_hsds

app_name = "referrals"

urlpatterns = [*directory_views.urlpatterns, *views_hsds.urlpatterns]
