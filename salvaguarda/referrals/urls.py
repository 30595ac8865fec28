"""The pages of referrals: today the service directory, at /directorio/."""

from salvaguarda.referrals.directory import views as directory_views

app_name = "referrals"

urlpatterns = [*directory_views.urlpatterns]
