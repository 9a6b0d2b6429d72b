from django.apps import AppConfig


class TrackerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tracker"
    verbose_name = "Claims tracker"

    def ready(self):
        from tracker import before, changes, headlines, places, series_state, weapons
        from tracker.cache import connect_signals

        before.connect_signals()  # first: the others read the row before the save through it
        connect_signals()
        series_state.connect_signals()
        headlines.connect_signals()
        changes.connect_signals()  # after headlines: it reads the status headlines saw before
        weapons.connect_signals()
        places.connect_signals()
