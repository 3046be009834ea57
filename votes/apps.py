from django.apps import AppConfig


class VotesConfig(AppConfig):
    name = "votes"
    verbose_name = "Positions, votes and projections"

    def ready(self) -> None:
        # Projections follow changes to terms, members and drafts, and the forecast's priors
        # follow recorded votes (see votes/signals.py).
        from votes import signals  # noqa: F401
