from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    name = "openkam.stakeholders"
    label = "stakeholders"

    def ready(self) -> None:
        from openkam.stakeholders.importing import register

        register()  # the people import target (openkam.stakeholders.importing)
