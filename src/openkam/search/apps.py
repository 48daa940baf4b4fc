from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "openkam.search"
    label = "search"
