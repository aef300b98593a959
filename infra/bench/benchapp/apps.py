from django.apps import AppConfig


class BenchAppConfig(AppConfig):
    name = "infra.bench.benchapp"
    # The label the migrations name (and the tables' prefix): unchanged since infra/benchapp.
    label = "benchapp"
    verbose_name = "Benchmark only"
    default_auto_field = "django.db.models.BigAutoField"
