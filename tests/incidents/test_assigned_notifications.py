""" "Handed to you" emails: incidents and action items, exactly once per change, never for
taking something yourself, and the opt-out on the profile."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from incidents.models import ActionItem, Incident
from incidents.services import action_items, incidents
from outbox.models import OutboundEmail
from teams.models import Membership
from teams.services import profile_update
from tests.teams.factories import MembershipFactory

UTC = dt.UTC
T0 = dt.datetime(2027, 3, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def dave(team):
    user = MembershipFactory(
        team=team, role=Membership.Role.MEMBER, user__username="dave", user__first_name="Dave"
    ).user
    profile_update(user=user, time_zone="America/Chicago")
    return user


def assigned_emails(user):
    return list(OutboundEmail.objects.filter(to=[user.email], key__contains="-assigned:"))


def test_transfer_emails_the_new_owner_once_in_their_zone(team, member, dave):
    with time_machine.travel(T0, tick=False):
        incident = incidents.incident_open(
            team=team, title="Backlog in WorkQueueManager", kind=Incident.Kind.SYSTEM_FAILURE,
            created_by=member,
        )  # fmt: skip
        assert assigned_emails(member) == []  # opened for yourself: no email
        incidents.incident_transfer(incident=incident, owner=dave, by=member, note="Yours now")
    [email] = assigned_emails(dave)
    assert email.key.startswith(f"incident-assigned:{incident.pk}:{dave.pk}:")
    assert "handed you incident" in email.subject
    # 09:00 UTC is 04:00 in Chicago (CDT since 14 March), and the zone is named
    assert "Mon 22 Mar 2027 04:00 (America/Chicago)" in email.text_body
    link = f"{settings.SITE_URL}{incident.get_absolute_url()}"
    assert link in email.text_body
    assert f'href="{link}"' in email.html_body


def test_handing_back_and_forth_notifies_each_time(team, member, dave):
    incident = incidents.incident_open(
        team=team, title="Stuck transfers", kind=Incident.Kind.ON_DEMAND, created_by=member
    )
    incidents.incident_transfer(incident=incident, owner=dave, by=member)
    incidents.incident_transfer(incident=incident, owner=member, by=dave)
    incidents.incident_transfer(incident=incident, owner=dave, by=member)
    assert len(assigned_emails(dave)) == 2
    assert len(assigned_emails(member)) == 1


def test_opening_for_someone_else_notifies_them(team, member, dave):
    incidents.incident_open(
        team=team, title="Agent down", kind=Incident.Kind.SYSTEM_FAILURE, created_by=member,
        owner=dave,
    )  # fmt: skip
    assert len(assigned_emails(dave)) == 1


def test_taking_it_yourself_sends_nothing(team, member, dave):
    incident = incidents.incident_open(
        team=team, title="Agent down", kind=Incident.Kind.SYSTEM_FAILURE, created_by=member
    )
    incidents.incident_transfer(incident=incident, owner=dave, by=dave)
    assert assigned_emails(dave) == []


def test_action_item_owner_change_notifies_the_new_owner(team, member, dave):
    with time_machine.travel(T0, tick=False):
        item = action_items.action_item_create(
            team=team, title="Check the dashboards", created_by=member, owner=member,
            due_on=dt.date(2027, 3, 26),
        )  # fmt: skip
    assert assigned_emails(member) == []
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        action_items.action_item_update(action_item=item, by=member, owner=dave)
        # saving again without an owner change sends nothing more
        action_items.action_item_update(action_item=item, by=member, title="Check dashboards")
    [email] = assigned_emails(dave)
    assert email.key.startswith(f"action-item-assigned:{item.pk}:{dave.pk}:")
    assert "Friday 26 March 2027" in email.text_body
    with time_machine.travel(T0 + dt.timedelta(minutes=2), tick=False):
        action_items.action_item_update(action_item=item, by=dave, owner=member)
    with time_machine.travel(T0 + dt.timedelta(minutes=3), tick=False):
        action_items.action_item_update(action_item=item, by=member, owner=dave)
    assert len(assigned_emails(dave)) == 2
    assert len(assigned_emails(member)) == 1


def test_action_item_created_for_someone_else(team, member, dave):
    action_items.action_item_create(team=team, title="Open an issue", created_by=member, owner=dave)
    action_items.action_item_create(team=team, title="Mine", created_by=dave, owner=dave)
    assert len(assigned_emails(dave)) == 1


def test_opt_out_is_respected(team, member, dave):
    profile_update(user=dave, notify_assigned=False)
    incident = incidents.incident_open(
        team=team, title="Agent down", kind=Incident.Kind.SYSTEM_FAILURE, created_by=member
    )
    incidents.incident_transfer(incident=incident, owner=dave, by=member)
    action_items.action_item_create(team=team, title="Open an issue", created_by=member, owner=dave)
    assert assigned_emails(dave) == []


def test_email_is_sent_after_commit_only(team, member, dave, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        action_items.action_item_create(
            team=team, title="Open an issue", created_by=member, owner=dave
        )
    assert len(callbacks) == 1  # the send task, queued for after the commit
    assert ActionItem.objects.count() == 1


def test_api_and_form_pass_who_made_the_change(team, member, dave, api_as, user_client):
    item = action_items.action_item_create(team=team, title="Mine", created_by=dave, owner=dave)
    url = f"/api/v1/teams/ops/action-items/{item.pk}/"
    assert api_as(dave).patch(url, {"owner": "member"}, format="json").status_code == 200
    assert len(assigned_emails(member)) == 1
    # handed back by the member: dave is told; dave taking it himself would not be
    assert api_as(member).patch(url, {"owner": "dave"}, format="json").status_code == 200
    assert len(assigned_emails(dave)) == 1
    # the member takes it themselves with the form: nobody is emailed
    form = {"title": "Mine", "owner": "member", "status": "open"}
    response = user_client(member).post(f"/incidents/ops/action-items/{item.pk}/", form)
    assert response.status_code == 302, response.context["form"].errors
    item.refresh_from_db()
    assert item.owner == member
    assert len(assigned_emails(member)) == 1
