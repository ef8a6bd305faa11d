import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from teams.models import Membership, Profile, Team


@override_settings(DEBUG=True)
def test_seed_demo_is_idempotent_and_prints_logins(db, capsys, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "s3cret-demo")
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "s3cret-demo" in out
    assert Team.objects.filter(slug="wmcore", time_zone="Europe/Zurich").count() == 1
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {"alice": "lead", "bob": "expert", "carol": "member", "dave": "member"}
    assert Profile.objects.get(user__username="dave").time_zone == "America/Chicago"
    assert Membership.objects.get(user__username="alice").user.check_password("s3cret-demo")


def test_seed_demo_refuses_without_debug_unless_forced(db):
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not Team.objects.exists()
    call_command("seed_demo", "--force")
    assert Team.objects.filter(slug="wmcore").exists()
