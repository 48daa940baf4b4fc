from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "openkam.notifications"
    label = "notifications"

    def ready(self) -> None:
        from openkam.notifications.jobs import register_jobs

        register_jobs()
