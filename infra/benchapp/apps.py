from django.apps import AppConfig


class BenchAppConfig(AppConfig):
    name = "infra.benchapp"
    label = "benchapp"
    verbose_name = "Benchmark only"
    default_auto_field = "django.db.models.BigAutoField"
