from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "openkam.commitments"
    label = "commitments"
