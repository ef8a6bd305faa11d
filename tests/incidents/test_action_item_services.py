import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from incidents.models import ActionItem
from incidents.services import action_items


def test_action_item_create_and_close(team, member, lead):
    item = action_items.action_item_create(
        team=team,
        title="Open a GitHub issue for the JobAccountant crash",
        created_by=lead,
        owner=member,
        due_on=dt.date(2027, 3, 29),
        source=ActionItem.Source.MEETING,
        source_label="WMCore weekly, 22 March 2027",
        needs_github_issue=True,
    )
    assert item.status == ActionItem.Status.OPEN
    action_items.action_item_update(action_item=item, status=ActionItem.Status.DONE)
    assert item.closed_at is not None
    action_items.action_item_update(action_item=item, status=ActionItem.Status.OPEN)
    assert item.closed_at is None


def test_owner_must_be_a_team_member(team, lead, outsider):
    with pytest.raises(ValidationError) as caught:
        action_items.action_item_create(team=team, title="x", created_by=lead, owner=outsider)
    assert "owner" in caught.value.message_dict
    assert not ActionItem.objects.exists()


def test_bad_fields_write_nothing(team, lead):
    with pytest.raises(ValidationError):
        action_items.action_item_create(team=team, title="", created_by=lead)
    with pytest.raises(ValidationError):
        action_items.action_item_create(team=team, title="x" * 301, created_by=lead)
    # A field the model does not have is a programming error, refused before any write.
    with pytest.raises(TypeError, match="colour"):
        action_items.action_item_create(team=team, title="x", created_by=lead, colour="red")
    item = action_items.action_item_create(team=team, title="x", created_by=lead)
    with pytest.raises(ValidationError, match="Unknown action item fields: colour"):
        action_items.action_item_update(action_item=item, title="y", colour="red")
    item.refresh_from_db()
    assert item.title == "x"
    item.delete()
    assert not ActionItem.objects.exists()


def test_overdue_is_open_and_due_before_today(team, lead):
    make = lambda **kw: action_items.action_item_create(team=team, title="t", created_by=lead, **kw)  # noqa: E731
    late = make(due_on=dt.date(2027, 3, 1))
    make(due_on=dt.date(2027, 3, 10))
    done = make(due_on=dt.date(2027, 3, 1))
    action_items.action_item_update(action_item=done, status=ActionItem.Status.DONE)
    assert list(ActionItem.objects.overdue(today=dt.date(2027, 3, 10))) == [late]
