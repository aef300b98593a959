from django.apps import AppConfig


class BenchInboxAppConfig(AppConfig):
    name = "infra.bench.inbox_app"
    # The label the migrations name (and the tables' prefix): unchanged since infra/bench_inbox_app.
    label = "bench_inbox"
    verbose_name = "Benchmark only: bare insert"
    default_auto_field = "django.db.models.BigAutoField"
