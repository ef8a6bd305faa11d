"""Demo data: the `wmcore` team and its people. Other apps add theirs in their own
`demo.py` with a `seed(context)` function, run by `manage.py seed_demo` in the order
of INSTALLED_APPS (so each app finds what the apps below it seeded)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from teams.models import Membership, Profile, Team

User = get_user_model()

DEMO_PEOPLE = [
    # username, first name, last name, role, display zone
    ("alice", "Alice", "Lead", Membership.Role.LEAD, "Europe/Zurich"),
    ("bob", "Bob", "Developer", Membership.Role.EXPERT, "Europe/Zurich"),
    ("carol", "Carol", "Developer", Membership.Role.MEMBER, "Europe/Zurich"),
    ("dave", "Dave", "Developer", Membership.Role.MEMBER, "America/Chicago"),
]


@dataclass
class DemoContext:
    password: str
    log: Callable[[str], None]
    team: Team | None = None
    users: dict[str, AbstractUser] = field(default_factory=dict)


def seed(context: DemoContext) -> None:
    team, _ = Team.objects.update_or_create(
        slug="wmcore",
        defaults={
            "name": "WMCore",
            "time_zone": "Europe/Zurich",
            "mailing_list": "wmcore-dev@example.org",
            "github_repo": "dmwm/WMCore",
        },
    )
    context.team = team
    for username, first, last, role, zone_name in DEMO_PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created or not user.check_password(context.password):
            user.set_password(context.password)
            user.save()
        Membership.objects.update_or_create(
            user=user, team=team, defaults={"role": role, "is_active": True}
        )
        Profile.objects.update_or_create(
            user=user, defaults={"time_zone": zone_name, "github_login": f"{username}-demo"}
        )
        context.users[username] = user
    context.log(f"team {team.slug} ({team.time_zone}) with {', '.join(context.users)}")
