from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "openkam.commitments"
    label = "commitments"

    def ready(self) -> None:
        from openkam.commitments.digest import register_section
        from openkam.commitments.jobs import register_jobs

        register_jobs()
        register_section()
