from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "salvaguarda.letters"
    label = "letters"
