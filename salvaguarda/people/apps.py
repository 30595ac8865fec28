from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "salvaguarda.people"
    label = "people"
