from django.urls import path

from salvaguarda.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("nueva/", views.person_create, name="create"),
    path("<uuid:person_uuid>/", views.person_detail, name="detail"),
    path("<uuid:person_uuid>/editar/", views.person_edit, name="edit"),
]
