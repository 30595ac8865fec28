from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "salvaguarda.core"
    label = "core"
