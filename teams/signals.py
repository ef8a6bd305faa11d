"""A team's cached answers and its callers' cached access (`teams.cache_versions`) go
stale with every save or delete of the team or of one of its memberships, wherever it
comes from (services, the admin, a cascade): removals and role changes take effect at
once."""

from typing import Any

from django.db.models.signals import post_delete, post_save

from teams.cache_versions import team_cache_invalidate
from teams.models import Membership, Team


def _team_changed(sender: type[Team], instance: Team, **kwargs: Any) -> None:
    team_cache_invalidate(team_id=instance.pk)


def _membership_changed(sender: type[Membership], instance: Membership, **kwargs: Any) -> None:
    team_cache_invalidate(team_id=instance.team_id)


def team_cache_signals_connect() -> None:
    """Called once, from `TeamsConfig.ready`."""
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(_team_changed, sender=Team, dispatch_uid=f"team-cache-team-{name}")
        signal.connect(
            _membership_changed, sender=Membership, dispatch_uid=f"team-cache-member-{name}"
        )
