import datetime as dt

import pytest
import time_machine
from django.core import mail

from incidents import digests, tasks
from incidents.models import ActionItem
from incidents.services import action_items
from outbox import tasks as outbox_tasks
from outbox.models import OutboundEmail
from teams.models import Membership
from tests.teams.factories import MembershipFactory, ProfileFactory

UTC = dt.UTC
NOW = dt.datetime(2027, 3, 29, 6, 0, tzinfo=UTC)  # Monday 08:00 Zurich, 01:00 Chicago


@pytest.fixture(autouse=True)
def at_digest_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def items(team, member, lead):
    make = lambda **kw: action_items.action_item_create(team=team, created_by=lead, **kw)  # noqa: E731
    late = make(title="Open the GitHub issue", owner=member, due_on=dt.date(2027, 3, 26))
    make(title="Due today", owner=member, due_on=dt.date(2027, 3, 29))
    done = make(title="Already done", owner=member, due_on=dt.date(2027, 3, 1))
    action_items.action_item_update(action_item=done, status=ActionItem.Status.DONE)
    make(title="Unowned", due_on=dt.date(2027, 3, 1))
    # The owner was told each item was handed to them; these tests count digests only.
    OutboundEmail.objects.filter(key__startswith="action-item-assigned:").delete()
    return late


def test_digest_fans_out_per_owner_and_is_sent_once_per_day(
    items, member, lead, django_capture_on_commit_callbacks, monkeypatch
):
    queued: list[int] = []
    monkeypatch.setattr(tasks.overdue_digest_send, "delay", queued.append)
    tasks.overdue_digest_fanout()
    assert queued == [member.pk]

    with django_capture_on_commit_callbacks() as callbacks:
        tasks.overdue_digest_send(member.pk)
    (email,) = OutboundEmail.objects.all()
    assert email.key == f"overdue-digest:{member.pk}:2027-03-29"
    # The outbox queued its send task on commit: run that task in place of the broker.
    monkeypatch.setattr(outbox_tasks.email_send, "delay", outbox_tasks.email_send)
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member@example.org"]
    assert message.subject == "[Shiftdesk] 1 overdue action item"
    assert "Open the GitHub issue" in message.body
    assert "Due today" not in message.body
    assert "Already done" not in message.body

    # The beat fires again (or a task is redelivered): nothing new is sent.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.overdue_digest_send(member.pk)
        tasks.overdue_digest_fanout()
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_local_date_of_the_owner_decides(team, lead):
    dave = MembershipFactory(team=team, user__username="dave", role=Membership.Role.MEMBER).user
    ProfileFactory(user=dave, time_zone="America/Chicago")
    action_items.action_item_create(
        team=team, created_by=lead, title="Due Sunday", owner=dave, due_on=dt.date(2027, 3, 28)
    )
    # 01:00 Monday in Chicago: Sunday's item is overdue, and the key carries Chicago's date.
    email = digests.overdue_digest_send(user_id=dave.pk)
    assert email is not None
    assert email.key == f"overdue-digest:{dave.pk}:2027-03-29"
    # 04:00 UTC is still Sunday 23:00 in Chicago: not overdue yet, nothing queued.
    OutboundEmail.objects.all().delete()
    with time_machine.travel(dt.datetime(2027, 3, 29, 4, 0, tzinfo=UTC), tick=False):
        assert digests.overdue_digest_send(user_id=dave.pk) is None
    assert not OutboundEmail.objects.exists()


def test_no_digest_for_former_members_or_users_without_overdue_items(items, member, team, lead):
    assert digests.overdue_digest_send(user_id=lead.pk) is None
    Membership.objects.filter(user=member, team=team).update(is_active=False)
    assert digests.overdue_digest_send(user_id=member.pk) is None
    assert not OutboundEmail.objects.exists()


def test_beat_declares_the_daily_digest():
    from config.celery import app

    app.loader.import_default_modules()
    app.finalize()
    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert "incidents.tasks.overdue_digest_fanout" in schedule
    assert schedule["incidents.tasks.overdue_digest_fanout"].hour == {6}
