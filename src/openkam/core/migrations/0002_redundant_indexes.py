"""Drop the audit entries' index on root_type alone: the (root_type, root_id, -at) index
starts with it, and every index is one more write per entry (an import writes one per
account). Plain DROP INDEX: an AlterField would make SQLite copy the whole table."""

import django.db.models.deletion
from django.db import migrations, models

NAME = "core_auditentry_root_type_id_0ee0659f"


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{NAME}"',
                    f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "core_auditentry" ("root_type_id")',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="root_type",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
        )
    ]
