from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "openkam.notifications"
    label = "notifications"
