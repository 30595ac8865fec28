from django.urls import path

from salvaguarda.people import views, views_needs, views_records, views_screening, views_search

app_name = "people"

urlpatterns = [
    *views_search.urlpatterns,
    path("nueva/", views.person_create, name="create"),
    path("<uuid:person_uuid>/", views.person_detail, name="detail"),
    path("<uuid:person_uuid>/editar/", views.person_edit, name="edit"),
    path("<uuid:person_uuid>/contacto/", views.contact_add, name="contact_add"),
    path("<uuid:person_uuid>/ubicacion/", views.location_move, name="location_move"),
    *views_records.urlpatterns,
    *views_screening.urlpatterns,
    *views_needs.urlpatterns,
]
