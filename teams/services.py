"""Every write about teams, memberships and profiles."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from teams.models import FeedToken, Membership, Profile, Team
from teams.tokens import feed_salt_new, feed_token_hash, feed_token_value
from teams.updates import model_update

PROFILE_NOTIFICATION_FIELDS = (
    "notify_shift_tomorrow",
    "notify_assigned",
    "notify_shift_moved",
    "notify_support_overdue",
)
TEAM_FIELDS = (
    "name",
    "slug",
    "time_zone",
    "mailing_list",
    "github_repo",
    "visibility",
    "support_target_hours",
)


@transaction.atomic
def team_create(*, created_by: User, **fields: Any) -> Team:
    """Create a team; its creator becomes its first lead."""
    unknown = set(fields) - set(TEAM_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown team fields: {', '.join(sorted(unknown))}.")
    if Team.objects.filter(slug=fields.get("slug", "")).exists():
        raise ValidationError({"slug": "A team with this slug already exists."})
    team = Team(**fields)
    team.full_clean()
    team.save()
    Membership.objects.create(user=created_by, team=team, role=Membership.Role.LEAD)
    return team


@transaction.atomic
def team_update(*, team: Team, **fields: Any) -> Team:
    team, _ = model_update(instance=team, fields=TEAM_FIELDS, data=fields)
    return team


def _check_keeps_a_lead(*, membership: Membership, role: str, is_active: bool) -> None:
    if membership.role != Membership.Role.LEAD or (role == Membership.Role.LEAD and is_active):
        return
    # Locking the other leads' rows stops two concurrent demotions from both passing.
    other_leads = list(
        Membership.objects.active()
        .select_for_update()
        .filter(team_id=membership.team_id, role=Membership.Role.LEAD)
        .exclude(pk=membership.pk)
    )
    if not other_leads:
        raise ValidationError("A team needs at least one active lead; appoint another lead first.")


@transaction.atomic
def membership_add(*, team: Team, username: str, role: str = Membership.Role.MEMBER) -> Membership:
    """Add an existing user to the team (or reactivate them) with a role."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": f"No user named {username!r}."})
    membership = Membership.objects.select_for_update().filter(team=team, user=user).first()
    if membership is not None:
        if membership.is_active:
            raise ValidationError({"username": f"{username} is already a member."})
        membership.is_active = True
        membership.role = role
        membership.save(update_fields=["is_active", "role"])
    else:
        membership = Membership.objects.create(team=team, user=user, role=role)
    return membership


@transaction.atomic
def membership_update(
    *, membership: Membership, role: str | None = None, is_active: bool | None = None
) -> Membership:
    new_role = role if role is not None else membership.role
    new_active = is_active if is_active is not None else membership.is_active
    if new_role not in Membership.Role.values:
        raise ValidationError({"role": f"Unknown role {new_role!r}."})
    _check_keeps_a_lead(membership=membership, role=new_role, is_active=new_active)
    membership.role = new_role
    membership.is_active = new_active
    membership.save(update_fields=["role", "is_active"])
    return membership


@transaction.atomic
def profile_update(
    *,
    user: User,
    time_zone: str | None = None,
    github_login: str | None = None,
    feed_meetings: str | None = None,
    **notifications: bool,
) -> Profile:
    """Change the user's profile; `notifications` are the `notify_*` opt-outs."""
    unknown = set(notifications) - set(PROFILE_NOTIFICATION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown profile fields: {', '.join(sorted(unknown))}.")
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    for name, value in notifications.items():
        setattr(profile, name, bool(value))
    if time_zone is not None:
        profile.time_zone = time_zone
    if github_login is not None:
        profile.github_login = github_login
    if feed_meetings is not None:
        profile.feed_meetings = feed_meetings
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def feed_token_revoke(*, user: User) -> int:
    """Revoke the user's feed token: every feed URL with it answers 404 from now on."""
    return FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def _feed_token_issue(*, user: User) -> FeedToken:
    salt = feed_salt_new()
    return FeedToken.objects.create(
        user=user, salt=salt, token_hash=feed_token_hash(feed_token_value(salt))
    )


@transaction.atomic
def feed_token_regenerate(*, user: User) -> FeedToken:
    """Revoke the current token (if any) and issue a new one."""
    feed_token_revoke(user=user)
    return _feed_token_issue(user=user)


def feed_token_get_or_create(*, user: User) -> FeedToken:
    """The user's active token, issued on first use (two concurrent first uses share one)."""
    token = FeedToken.objects.filter(user=user, revoked_at__isnull=True).first()
    if token is not None:
        return token
    try:
        with transaction.atomic():
            return _feed_token_issue(user=user)
    except IntegrityError:
        return FeedToken.objects.get(user=user, revoked_at__isnull=True)
