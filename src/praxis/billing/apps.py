from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "praxis.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from praxis.core import plugins

        from .plugin import PLUGIN

        plugins.register(PLUGIN)

        # merging: what a patient merge moves
        from . import merging  # noqa: F401
