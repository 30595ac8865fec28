from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "salvaguarda.core"
    label = "core"

    def ready(self) -> None:
        from salvaguarda.core import checks  # noqa: F401 - registers the system checks
