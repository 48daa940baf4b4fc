"""Drop indexes that other indexes make redundant (each is one more write per row, which a
100,000-account import pays for): the owner's (the (owner, name) index starts with it), the
team member's account and user (the unique (account, user) and the (user, account) indexes
start with them) and the registration number's (nothing looks numbers up without their
country, which the unique constraint's index serves; PostgreSQL's `_like` twin included).

The database side is plain DROP INDEX: an AlterField would make SQLite copy the whole
table for each field.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = {
    "accounts_account_owner_id_7b1fcbd0": 'ON "accounts_account" ("owner_id")',
    "accounts_account_registration_number_cecac4db": (
        'ON "accounts_account" ("registration_number")'
    ),
    "accounts_accountteammember_account_id_1ee505de": (
        'ON "accounts_accountteammember" ("account_id")'
    ),
    "accounts_accountteammember_user_id_b08948f1": 'ON "accounts_accountteammember" ("user_id")',
}
LIKE = "accounts_account_registration_number_cecac4db_like"


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    names = [*INDEXES, LIKE] if schema_editor.connection.vendor == "postgresql" else [*INDEXES]
    for name in names:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    for name, target in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" {target}')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{LIKE}" '
            'ON "accounts_account" ("registration_number" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_account_currency"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, create)],
            state_operations=[
                migrations.AlterField(
                    model_name="account",
                    name="owner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="owned_accounts",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner (KAM)",
                    ),
                ),
                migrations.AlterField(
                    model_name="account",
                    name="registration_number",
                    field=models.CharField(
                        blank=True, max_length=50, verbose_name="registration number"
                    ),
                ),
                migrations.AlterField(
                    model_name="accountteammember",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="team",
                        to="accounts.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="accountteammember",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="account_memberships",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="team member",
                    ),
                ),
            ],
        )
    ]
