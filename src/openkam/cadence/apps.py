from django.apps import AppConfig


class CadenceConfig(AppConfig):
    name = "openkam.cadence"
    label = "cadence"
