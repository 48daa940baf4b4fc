from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "openkam.web"
    label = "web"
