from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "openkam.knowledge"
    label = "knowledge"
