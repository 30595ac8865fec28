from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "salvaguarda.accounts"
    label = "accounts"
