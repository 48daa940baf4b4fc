"""The `kam` command: django-admin bound to OpenKAM's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openkam.settings")
    from django.core.management import execute_from_command_line

    from openkam.env import EnvSettingError

    try:
        execute_from_command_line(sys.argv)
    except EnvSettingError as exc:
        # A bad setting is the operator's to fix: say which and why, without a traceback.
        sys.exit(f"OpenKAM cannot start, a setting is wrong: {exc}")


if __name__ == "__main__":
    main()
