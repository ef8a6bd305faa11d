"""The first-of-the-month job, in each team's zone: the previous month's draft and one
"draft ready" email to the leads, however often the beat fires; nothing on other days."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from outbox import tasks as outbox_tasks
from outbox.models import OutboundEmail
from statusreports import tasks
from statusreports.models import StatusReport
from teams.models import Membership
from tests.statusreports.factories import monthly
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams():
    zurich = TeamFactory(slug="zrh", name="Zurich team", time_zone="Europe/Zurich")
    chicago = TeamFactory(slug="chi", name="Chicago team", time_zone="America/Chicago")
    for team in (zurich, chicago):
        monthly(team)
        MembershipFactory(team=team, role=Membership.Role.LEAD, user__username=f"lead-{team.slug}")
        MembershipFactory(team=team, role=Membership.Role.MEMBER, user__username=f"m-{team.slug}")
    off = TeamFactory(slug="off", time_zone="Europe/Zurich")
    MembershipFactory(team=off, role=Membership.Role.LEAD)
    return zurich, chicago


def _beat(monkeypatch, captured, at):
    """The hourly beat at `at`: the fan-out, then each queued task, then the outbox."""
    queued: list[int] = []
    monkeypatch.setattr(tasks.monthly_draft, "delay", queued.append)
    with time_machine.travel(at, tick=False):
        tasks.monthly_drafts_fanout()
        with captured(execute=True):
            for team_id in queued:
                tasks.monthly_draft(team_id)
    return queued


def test_first_of_the_month_in_the_team_zone(
    teams, monkeypatch, django_capture_on_commit_callbacks
):
    zurich, chicago = teams
    monkeypatch.setattr(outbox_tasks.email_send, "delay", outbox_tasks.email_send)
    # 1 April 00:30 in Zurich (22:30 UTC on 31 March): still 31 March 17:30 in Chicago.
    at = dt.datetime(2027, 4, 1, 0, 30, tzinfo=ZoneInfo("Europe/Zurich"))
    assert _beat(monkeypatch, django_capture_on_commit_callbacks, at) == [zurich.pk]
    (report,) = StatusReport.objects.all()
    assert (report.team, report.month, report.state) == (zurich, dt.date(2027, 3, 1), "draft")

    # The beat fires again within the hour (and the task is redelivered): nothing new.
    _beat(monkeypatch, django_capture_on_commit_callbacks, at + dt.timedelta(minutes=50))
    assert StatusReport.objects.filter(team=zurich).count() == 1
    zurich_mail = [m for m in mail.outbox if "Zurich team" in m.subject]
    assert len(zurich_mail) == 1
    assert zurich_mail[0].to == ["lead-zrh@example.org"]
    assert zurich_mail[0].subject == "[Zurich team] Status report for March 2027: draft ready"
    assert "/status-reports/zrh/2027-03/" in zurich_mail[0].body

    # Chicago's first of April comes 7 hours later (Zurich's is still going on: run again).
    chicago_first = dt.datetime(2027, 4, 1, 0, 5, tzinfo=ZoneInfo("America/Chicago"))
    due = _beat(monkeypatch, django_capture_on_commit_callbacks, chicago_first)
    assert sorted(due) == sorted([zurich.pk, chicago.pk])
    assert StatusReport.objects.get(team=chicago).month == dt.date(2027, 3, 1)
    assert OutboundEmail.objects.filter(key="status-report-draft:chi:2027-03").count() == 1
    assert OutboundEmail.objects.count() == 2
    assert len(mail.outbox) == 2


def test_nothing_on_other_days_or_when_off(teams, monkeypatch, django_capture_on_commit_callbacks):
    at = dt.datetime(2027, 4, 2, 12, tzinfo=dt.UTC)  # the 2nd in both zones
    assert _beat(monkeypatch, django_capture_on_commit_callbacks, at) == []
    assert not StatusReport.objects.exists()
    zurich, _ = teams
    assert tasks.services.status_report_draft_monthly(team_id=zurich.pk, now=at) is None
    off = TeamFactory(slug="off2")
    first = dt.datetime(2027, 4, 1, 9, tzinfo=dt.UTC)
    assert tasks.services.status_report_draft_monthly(team_id=off.pk, now=first) is None


def test_beat_declares_the_hourly_job():
    from config.celery import app

    app.loader.import_default_modules()
    app.finalize()
    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert schedule["statusreports.tasks.monthly_drafts_fanout"].minute == {5}
