from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "openkam.imports"
    label = "imports"
