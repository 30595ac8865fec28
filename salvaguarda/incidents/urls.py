from salvaguarda.incidents import views, views_exports, views_records, views_vocabulary

app_name = "incidents"

urlpatterns = [
    *views.urlpatterns,
    *views_records.urlpatterns,
    *views_exports.urlpatterns,
    *views_vocabulary.urlpatterns,
]
