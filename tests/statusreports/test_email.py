"""Publishing emails the report once, like a meeting report: a real SMTP server receives
it, with a text and an HTML part, the team's name in the subject and a link back."""

import datetime as dt

import pytest
import time_machine

from outbox import tasks as outbox_tasks
from statusreports import services
from tests.incidents.factories import IncidentFactory
from tests.statusreports.factories import monthly

pytestmark = pytest.mark.django_db(transaction=True)


def test_publish_reaches_the_mail_server_once(
    team, lead, smtp_server, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://shiftdesk.example.org"
    team.mailing_list = "ops-list@example.org"
    team.save()
    monthly(team, stakeholders=["funder@example.org"])
    IncidentFactory(
        team=team,
        title="Tape <outage>",
        detected_at=dt.datetime(2027, 3, 31, 21, 30, tzinfo=dt.UTC),
    )
    monkeypatch.setattr(outbox_tasks.email_send, "delay", outbox_tasks.email_send)
    at = dt.datetime(2027, 4, 2, 9, tzinfo=dt.UTC)
    report = services.status_report_create(team=team, user=lead, month=dt.date(2027, 3, 1), now=at)
    services.status_report_update(
        report=report, user=lead, version=1, summary="We *shipped* 2.3.5. <script>x</script>"
    )
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.status_report_publish(report=report, user=lead)
    with django_capture_on_commit_callbacks(execute=True):
        services.status_report_publish(report=report, user=lead)  # a double click

    (message,) = smtp_server.messages
    assert message["Subject"] == "[Ops] Status report, March 2027"
    assert sorted(a.strip() for a in message["To"].split(",")) == [
        "funder@example.org",
        "ops-list@example.org",
    ]
    assert message["X-Shiftdesk-Key"] == f"status-report-published:{report.pk}"
    parts = {part.get_content_type(): part for part in message.walk()}
    text = parts["text/plain"].get_payload(decode=True).decode()
    html = parts["text/html"].get_payload(decode=True).decode()
    link = "https://shiftdesk.example.org/status-reports/ops/2027-03/"
    assert text.startswith("Ops status report, March 2027")
    assert f"Report: open in Shiftdesk <{link}>" in text
    assert "Published by" in text
    assert "Fri 02 Apr 2027 11:00 CEST" in text
    assert "We *shipped* 2.3.5." in text
    assert "Tape <outage>" in text
    assert "detected Wed 31 Mar 2027 23:30 CEST" in text
    assert f'href="{link}"' in html
    assert "<em>shipped</em>" in html
    assert "<script>" not in html  # the summary's Markdown is sanitized
    assert "outage&gt;</a>" in html
    assert "<outage>" not in html
