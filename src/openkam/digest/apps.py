from django.apps import AppConfig


class DigestConfig(AppConfig):
    name = "openkam.digest"
    label = "digest"

    def ready(self) -> None:
        from openkam.digest.jobs import register_jobs

        register_jobs()
