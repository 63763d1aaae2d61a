from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "praxis.core"
    label = "core"
    verbose_name = "Praxis core"

    def ready(self) -> None:
        from . import signals  # noqa: F401
