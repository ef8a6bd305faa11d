import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from deployments.models import Campaign, CampaignHost, Change, Host, HostChange, HostEvent
from deployments.services import changes
from tests.deployments.factories import fleet


@pytest.fixture
def change(team, lead):
    fleet(team)
    return changes.change_create(team=team, title="Fix", by=lead)


def record(change, *extra):
    args = ["--team", "ops", "--host", "cern-0", "--change", str(change.pk), *extra]
    call_command("record_change", *args)


def test_record_change_is_idempotent(change, member, capsys):
    record(change, "--state", "applied", "--note", "patch.sh", "--user", "member")
    record(change, "--state", "applied", "--user", "member")
    out = capsys.readouterr().out
    assert "applied (recorded)" in out
    assert "already so, nothing written" in out
    cell = HostChange.objects.get(change=change, host__name="cern-0")
    assert (cell.state, cell.updated_by) == ("applied", member)
    assert HostEvent.objects.filter(kind="change").count() == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--state", "applied", "--user", "outsider"], "not a member"),
        (["--state", "applied", "--user", "ghost"], "not a member"),
        (["--state", "applied", "--host", "nohost"], "has no host"),
        (["--state", "applied", "--change", "999"], "has no change"),
        (["--state", "applied", "--change", "abc"], "Not a change id"),
    ],
)
def test_record_change_explains_what_is_wrong(change, outsider, extra, message):
    with pytest.raises(CommandError, match=message):
        record(change, *extra)
    assert not HostEvent.objects.filter(kind="change").exists()


def test_record_change_refuses_a_host_outside_the_scope(team, lead):
    hosts = fleet(team)
    change = changes.change_create(team=team, title="One", by=lead, hosts=hosts[1:2])
    with pytest.raises(CommandError, match="not in the scope"):
        record(change, "--state", "applied")


@override_settings(DEBUG=True)
def test_seed_demo_shows_drift_and_a_campaign_once(db):
    call_command("seed_demo")
    snapshot = (
        sorted(HostEvent.objects.values_list("pk", flat=True)),
        sorted(HostChange.objects.values_list("state", flat=True)),
    )
    team_hosts = Host.objects.filter(team__slug="wmcore")
    assert team_hosts.count() == 10
    assert set(team_hosts.values_list("site", flat=True)) == {"CERN", "FNAL"}
    patches = Change.objects.filter(team__slug="wmcore")
    assert patches.count() == 4
    states = set(HostChange.objects.values_list("state", flat=True))
    assert states == {"pending", "applied", "failed", "not_needed"}
    campaign = Campaign.objects.get(status="active")
    stages = sorted(CampaignHost.objects.filter(campaign=campaign).values_list("stage", flat=True))
    assert stages == ["drained", "draining", "redeployed"]
    call_command("seed_demo")
    again = (
        sorted(HostEvent.objects.values_list("pk", flat=True)),
        sorted(HostChange.objects.values_list("state", flat=True)),
    )
    assert again == snapshot
