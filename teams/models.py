"""Teams, memberships with roles, and the per-user profile."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse

from teams.timezones import validate_time_zone

github_repo_validator = RegexValidator(
    r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$",
    "Use the form owner/name, e.g. dmwm/WMCore.",
)
github_login_validator = RegexValidator(
    r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$",
    "Not a valid GitHub login.",
)


# "me": /shifts/feeds/<token>/me.ics is the personal feed, not a team "me".
RESERVED_TEAM_SLUGS = frozenset({"new", "me"})


def validate_team_slug(value: str) -> None:
    if value in RESERVED_TEAM_SLUGS:
        raise ValidationError(
            "%(value)s is reserved; choose another slug.", params={"value": value}
        )


class Team(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Members only"
        INTERNAL = "internal", "All signed-in users may read"

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True, validators=[validate_team_slug])
    time_zone = models.CharField(
        max_length=64,
        default="Europe/Zurich",
        validators=[validate_time_zone],
        help_text="The team's own zone: rotations and handovers are computed in it.",
    )
    mailing_list = models.EmailField(blank=True, help_text="Where reports and handovers go.")
    github_repo = models.CharField(
        "default GitHub repository",
        max_length=140,
        blank=True,
        validators=[github_repo_validator],
    )
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    support_target_hours = models.PositiveSmallIntegerField(
        "support response target (working hours)",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="How soon a support request should get a first answer, in working hours"
        " (Monday to Friday, 09:00 to 17:00 in the team's zone).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("teams:detail", kwargs={"slug": self.slug})


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True)


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        EXPERT = "expert", "Expert"
        LEAD = "lead", "Lead"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    joined_on = models.DateField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["team__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_unique_user_team"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    time_zone = models.CharField(
        "display time zone",
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Times are shown in this zone. Empty: your first team's zone.",
    )
    github_login = models.CharField(
        "GitHub login", max_length=39, blank=True, validators=[github_login_validator]
    )

    class FeedMeetings(models.TextChoices):
        ALL = "all", "All meetings of my teams"
        COVERED = "covered", "Only meetings the shifter covers"

    feed_meetings = models.CharField(
        "meetings in my personal feed",
        max_length=16,
        choices=FeedMeetings.choices,
        default=FeedMeetings.ALL,
    )
    # Email notifications, each on unless the person turns it off (teams.notifications).
    notify_shift_tomorrow = models.BooleanField("email me the day before my shift", default=True)
    notify_assigned = models.BooleanField(
        "email me when an incident or action item is handed to me", default=True
    )
    notify_shift_moved = models.BooleanField(
        "email me when a re-plan moves my shifts", default=True
    )
    notify_support_overdue = models.BooleanField(
        "email me, on shift, when a support request passes the team's target", default=True
    )

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class FeedToken(models.Model):
    """A user's secret for calendar feed URLs.

    The token in the URL is HMAC(SECRET_KEY, salt); the database keeps the salt and the
    token's SHA-256, never the token itself, so a copy of the database alone reveals no
    feed URL, while the owner's URLs can still be shown on their profile. Regenerating
    revokes the old token at once (its URLs answer 404). Changing SECRET_KEY changes
    every feed URL.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    salt = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="feed_token_one_active_per_user",
            ),
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"feed token of {self.user} ({state})"
