"""Notification opt-outs on the profile page: on by default, each one saved, kept when
another field is refused."""

import re

from outbox.notifications import Notification, users_notified
from teams.models import Profile

FIELDS = [kind.value for kind in Notification]


def checked_boxes(page):
    boxes = re.findall(r'<input type="checkbox" name="(notify_\w+)"[^>]*>', page)
    tags = re.findall(r'<input type="checkbox" name="notify_\w+"[^>]*>', page)
    return {name for name, tag in zip(boxes, tags, strict=True) if " checked" in tag}


def test_every_notification_is_on_by_default(user_client, member):
    page = user_client(member).get("/accounts/profile/").content.decode()
    assert checked_boxes(page) == set(FIELDS)
    for kind in Notification:
        assert users_notified(user_ids=[member.pk], kind=kind) == {member.pk}


def test_turning_some_off_is_saved_and_respected(user_client, member, lead):
    client = user_client(member)
    data = {
        "time_zone": "",
        "github_login": "",
        "feed_meetings": "all",
        "notify_shift_tomorrow": "on",
        "notify_support_overdue": "on",
    }
    assert client.post("/accounts/profile/", data).status_code == 302
    profile = Profile.objects.get(user=member)
    assert profile.notify_shift_tomorrow
    assert profile.notify_support_overdue
    assert not profile.notify_assigned
    assert not profile.notify_shift_moved
    assert users_notified(user_ids=[member.pk, lead.pk], kind=Notification.ASSIGNED) == {lead.pk}
    page = client.get("/accounts/profile/").content.decode()
    assert checked_boxes(page) == {"notify_shift_tomorrow", "notify_support_overdue"}


def test_a_refused_field_keeps_the_boxes_as_typed(user_client, member):
    data = {"time_zone": "Nowhere/Town", "github_login": "", "feed_meetings": "all"}
    response = user_client(member).post("/accounts/profile/", {**data, "notify_assigned": "on"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["time_zone"]
    assert form["notify_assigned"].value() is True
    assert form["notify_shift_moved"].value() is False
    assert not Profile.objects.filter(user=member).exists()


def test_users_without_an_address_or_inactive_are_not_notified(db, member, lead):
    member.email = ""
    member.save()
    lead.is_active = False
    lead.save()
    assert users_notified(user_ids=[member.pk, lead.pk], kind=Notification.SHIFT_MOVED) == set()
