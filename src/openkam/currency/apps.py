from django.apps import AppConfig


class CurrencyConfig(AppConfig):
    name = "openkam.currency"
    label = "currency"
