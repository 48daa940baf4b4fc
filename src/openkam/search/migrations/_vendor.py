"""RunSQL whose statements depend on the database vendor, for the search migrations."""

from django.db import migrations, router


class VendorRunSQL(migrations.RunSQL):
    """RunSQL whose statements depend on the database vendor (none for other vendors)."""

    def __init__(self, forward: dict[str, list[str]], backward: dict[str, list[str]]) -> None:
        super().__init__(sql=[], reverse_sql=[])
        self.forward = forward
        self.backward = backward

    def deconstruct(self):  # type: ignore[no-untyped-def]
        return (self.__class__.__name__, [], {"forward": self.forward, "backward": self.backward})

    def database_forwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        if router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            self._run_sql(schema_editor, self.forward.get(schema_editor.connection.vendor, []))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        if router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            self._run_sql(schema_editor, self.backward.get(schema_editor.connection.vendor, []))
