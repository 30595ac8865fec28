from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "salvaguarda.letters"
    label = "letters"

    def ready(self) -> None:
        from salvaguarda.letters import fonts  # noqa: F401 - registers the font check
