from django.apps import AppConfig


class IngestConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ingest"
    verbose_name = "Ingest"

    def ready(self):
        from ingest.aliases import connect_signals

        connect_signals()
