from django.apps import AppConfig


class RevenueConfig(AppConfig):
    name = "openkam.revenue"
    label = "revenue"
