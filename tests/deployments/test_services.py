import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from deployments.models import Campaign, CampaignHost, Change, Host, HostChange, HostEvent
from deployments.services import campaigns, changes, hosts
from tests.deployments.factories import HostFactory, fleet
from tests.teams.factories import TeamFactory


@pytest.fixture
def agents(team):
    return fleet(team)


def test_host_create_writes_its_first_history_row(team, lead):
    host = hosts.host_create(team=team, name="vocms0255", site="CERN", release="2.3.4", by=lead)
    assert host.events.get().kind == HostEvent.Kind.CREATED
    with pytest.raises(ValidationError) as error:
        hosts.host_create(team=team, name="VOCMS0255", site="FNAL", by=lead)
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError):
        hosts.host_create(team=team, name="bad name!", site="CERN", by=lead)


def test_host_state_moves_keep_history_and_the_same_state_writes_nothing(team, member, lead):
    host = HostFactory(team=team)
    host, changed = hosts.host_set_state(host=host, state="draining", by=member, note="disk 86%")
    assert changed
    assert (host.state, host.state_changed_by) == ("draining", member)
    _, changed = hosts.host_set_state(host=host, state="draining", by=member)
    assert not changed
    hosts.host_set_state(host=host, state="running", by=member, release="2.3.5")
    host.refresh_from_db()
    assert host.release == "2.3.5"
    kinds = list(host.events.order_by("pk").values_list("kind", "old_value", "new_value"))
    assert kinds == [
        ("state", "running", "draining"),
        ("state", "draining", "running"),
        ("release", "2.3.4", "2.3.5"),
    ]


def test_retiring_needs_a_lead(team, member, lead):
    host = HostFactory(team=team)
    with pytest.raises(PermissionDenied):
        hosts.host_set_state(host=host, state="retired", by=member)
    hosts.host_set_state(host=host, state="retired", by=lead)
    assert Host.objects.get().state == "retired"


@pytest.mark.parametrize("year", [1969, 2201])
def test_times_outside_1970_2200_are_refused(team, member, year):
    host = HostFactory(team=team)
    at = dt.datetime(year, 1, 2, tzinfo=dt.UTC)
    with pytest.raises(ValidationError) as error:
        hosts.host_set_state(host=host, state="draining", by=member, at=at)
    assert "at" in error.value.message_dict
    assert not HostEvent.objects.exists()


def test_change_scope_is_the_release_or_the_chosen_hosts(team, lead):
    cern, _, fnal, _ = fleet(team)
    HostFactory(team=team, name="old", release="2.2.0")
    HostFactory(team=team, name="gone", release="2.3.4", state="retired")
    change = changes.change_create(team=team, title="Fix", target_release="2.3.4", by=lead)
    assert change.host_changes.count() == 4
    everywhere = changes.change_create(team=team, title="All", by=lead)
    assert everywhere.host_changes.count() == 5
    chosen = changes.change_create(team=team, title="Two", hosts=[cern, fnal], by=lead)
    assert set(chosen.host_changes.values_list("host__name", flat=True)) == {"cern-0", "fnal-0"}
    with pytest.raises(ValidationError) as error:
        changes.change_create(team=team, title="None", target_release="9.9", by=lead)
    assert "hosts" in error.value.message_dict
    other = HostFactory(team=TeamFactory())
    with pytest.raises(ValidationError):
        changes.change_create(team=team, title="Theirs", hosts=[other], by=lead)
    assert Change.objects.count() == 3


def test_recording_is_idempotent_and_refuses_hosts_outside_the_scope(team, member, lead, agents):
    change = changes.change_create(team=team, title="Fix", hosts=agents[:2], by=lead)
    cell, changed = changes.host_change_record(
        change=change, host=agents[0], state="applied", by=member, note="ok"
    )
    assert changed
    assert cell.state == "applied"
    cell, changed = changes.host_change_record(
        change=change, host=agents[0], state="applied", by=member
    )
    assert not changed
    assert HostEvent.objects.filter(kind="change").count() == 1
    with pytest.raises(ValidationError) as error:
        changes.host_change_record(change=change, host=agents[3], state="applied", by=member)
    assert "not in the scope" in str(error.value)
    with pytest.raises(ValidationError):
        changes.host_change_record(change=change, host=agents[1], state="done", by=member)


def test_apply_to_all_pending_only_touches_pending_cells(team, member, lead, agents):
    change = changes.change_create(team=team, title="Fix", by=lead)
    changes.host_change_record(change=change, host=agents[0], state="failed", by=member)
    assert changes.change_apply_pending(change=change, by=lead) == 3
    states = dict(change.host_changes.values_list("host__name", "state"))
    assert states == {
        "cern-0": "failed",
        "cern-1": "applied",
        "fnal-0": "applied",
        "fnal-1": "applied",
    }
    assert HostEvent.objects.filter(change=change, new_value="applied").count() == 3
    assert changes.change_apply_pending(change=change, by=lead) == 0


def test_a_closed_change_takes_no_records(team, member, lead, agents):
    change = changes.change_create(team=team, title="Fix", by=lead)
    changes.change_update(change=change, by=lead, closed=True)
    with pytest.raises(ValidationError):
        changes.host_change_record(change=change, host=agents[0], state="applied", by=member)
    assert not HostChange.objects.exclude(state="pending").exists()


def test_campaign_moves_hosts_and_ticks_its_checklist(team, member, lead, agents):
    campaign = campaigns.campaign_create(
        team=team,
        title="Drain CERN",
        by=lead,
        hosts=agents[:2],
        target_release="2.4.0",
        checklist=[("Stop work pull", True), ("Announce", False)],
    )
    row = campaign.campaign_hosts.get(host=agents[0])
    campaigns.campaign_host_set_stage(campaign_host=row, stage="draining", by=member)
    assert Host.objects.get(pk=agents[0].pk).state == "draining"
    campaigns.campaign_host_set_stage(campaign_host=row, stage="drained", by=member)
    campaigns.campaign_host_set_stage(campaign_host=row, stage="redeployed", by=member)
    host = Host.objects.get(pk=agents[0].pk)
    assert (host.state, host.release) == ("running", "2.4.0")
    per_host, whole = campaign.checklist.all()
    assert campaigns.checklist_tick(item=per_host, campaign_host=row, by=member, done=True)
    campaigns.checklist_tick(item=per_host, campaign_host=row, by=member, done=True)
    assert per_host.ticks.count() == 1
    with pytest.raises(ValidationError):
        campaigns.checklist_tick(item=per_host, by=member, done=True)
    campaigns.checklist_tick(item=whole, by=member, done=True)
    assert whole.ticks.get().campaign_host is None
    with pytest.raises(ValidationError) as error:
        campaigns.campaign_create(team=team, title="Again", by=lead, hosts=agents[:1])
    assert "Already in a campaign" in str(error.value)
    campaigns.campaign_update(campaign=campaign, by=lead, status=Campaign.Status.DONE)
    with pytest.raises(ValidationError):
        campaigns.campaign_host_set_stage(
            campaign_host=CampaignHost.objects.get(pk=row.pk), stage="validated", by=member
        )


def test_campaign_dates_must_be_in_order_and_in_range(team, lead, agents):
    with pytest.raises(ValidationError) as error:
        campaigns.campaign_create(
            team=team,
            title="x",
            by=lead,
            hosts=agents,
            starts_on=dt.date(2027, 3, 2),
            ends_on=dt.date(2027, 3, 1),
        )
    assert "ends_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        campaigns.campaign_create(
            team=team, title="x", by=lead, hosts=agents, starts_on=dt.date(2300, 1, 1)
        )
    assert "starts_on" in error.value.message_dict
    assert not Campaign.objects.exists()
