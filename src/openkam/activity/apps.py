from django.apps import AppConfig
from django.db.models.signals import post_delete


class ActivityConfig(AppConfig):
    name = "openkam.activity"
    label = "activity"

    def ready(self) -> None:
        from openkam.activity.models import Attachment
        from openkam.activity.signals import remove_file

        post_delete.connect(remove_file, sender=Attachment, dispatch_uid="activity-remove-file")
