from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "openkam.activity"
    label = "activity"
