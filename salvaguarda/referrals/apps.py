from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "salvaguarda.referrals"
    label = "referrals"
