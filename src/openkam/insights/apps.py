from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Portfolio analytics read from the revenue rollups: concentration, ABC, growth."""

    name = "openkam.insights"
    label = "insights"
    verbose_name = _("Portfolio analytics")
