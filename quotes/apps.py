from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "quotes"
    verbose_name = "Quotes and attribution"

    def ready(self) -> None:
        # Connects the SQLite statement timeout to every new connection.
        from quotes import timeouts  # noqa: F401
