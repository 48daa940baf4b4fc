from django.apps import AppConfig


class DigestConfig(AppConfig):
    name = "openkam.digest"
    label = "digest"
