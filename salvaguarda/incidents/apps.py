from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "salvaguarda.incidents"
    label = "incidents"
