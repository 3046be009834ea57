from django.apps import AppConfig


class VotesConfig(AppConfig):
    name = "votes"
    verbose_name = "Positions, votes and projections"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from votes.forecast import recorded_vote_saved
        from votes.models import RecordedVote

        # Saved votes change the record the forecast's priors are estimated from.
        post_save.connect(recorded_vote_saved, sender=RecordedVote, dispatch_uid="votes-priors")
