from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "praxis.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"
