from django.apps import AppConfig


class CourtConfig(AppConfig):
    name = "salvaguarda.court"
    label = "court"

    def ready(self) -> None:
        # Registers the system check that refuses a half-configured reminder channel.
        from salvaguarda.court import channels  # noqa: F401
