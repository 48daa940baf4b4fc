from django.apps import AppConfig


class RevenueConfig(AppConfig):
    name = "openkam.revenue"
    label = "revenue"

    def ready(self) -> None:
        # The import engine finds the order-lines target in its registry (imports must not
        # import revenue: the dependency points from revenue to imports).
        from openkam.imports.targets import register
        from openkam.revenue.importing import TARGET

        register(TARGET)
