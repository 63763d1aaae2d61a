"""The ``praxis`` command: Django's manage.py under the project's own name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praxis.config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # `praxis seed-demo` and `praxis seed_demo` are the same command.
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
