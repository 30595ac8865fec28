from salvaguarda.court import views, views_calendar, views_figures, views_import, views_reminders

app_name = "court"

urlpatterns = [
    *views.urlpatterns,
    *views_calendar.urlpatterns,
    *views_figures.urlpatterns,
    *views_reminders.urlpatterns,
    *views_import.urlpatterns,
]
