from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate


class VotesConfig(AppConfig):
    name = "votes"
    verbose_name = "Positions, votes and projections"

    def ready(self) -> None:
        # Projections follow changes to terms, members and drafts, and the forecast's priors
        # follow recorded votes (see votes/signals.py).
        from django.contrib.auth import get_user_model

        from votes import signals  # noqa: F401
        from votes.roles import roles_after_migrate, user_joined_role

        # The roles' permissions survive a flush; a role's member is staff (votes/roles.py).
        post_migrate.connect(roles_after_migrate, sender=self, dispatch_uid="votes-roles")
        m2m_changed.connect(
            user_joined_role,
            sender=get_user_model().groups.through,
            dispatch_uid="votes-role-staff",
        )
