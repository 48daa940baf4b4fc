from django.apps import AppConfig


class CadenceConfig(AppConfig):
    name = "openkam.cadence"
    label = "cadence"

    def ready(self) -> None:
        from openkam.cadence.digest import register_section
        from openkam.cadence.jobs import register_jobs

        register_jobs()
        register_section()
