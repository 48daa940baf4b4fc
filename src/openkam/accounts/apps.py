from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openkam.accounts"
    label = "accounts"

    def ready(self) -> None:
        # The import engine finds the accounts target in its registry (imports does not
        # import accounts: the dependency points from accounts to imports).
        from openkam.accounts.importing import TARGET
        from openkam.imports.targets import register

        register(TARGET)
