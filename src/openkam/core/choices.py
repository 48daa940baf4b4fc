from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Seniority, on our side and the client's: the "comb" pairs people level by level."""

    EXECUTIVE = "executive", _("Executive")
    DIRECTOR = "director", _("Director")
    HEAD_OF_DEPARTMENT = "head_of_department", _("Head of department")
    SPECIALIST = "specialist", _("Specialist")
