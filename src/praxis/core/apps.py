from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "praxis.core"
    label = "core"
    verbose_name = "Praxis core"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (receivers connect on import)
        from .plugin import PLUGIN
        from .plugins import register

        register(PLUGIN)
