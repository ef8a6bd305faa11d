"""Opening, saving and publishing a month's report: idempotent, bounded to ended months,
versioned, lead-only, and kept as published when the data changes later."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from incidents.models import Incident
from outbox.models import OutboundEmail
from statusreports import services
from statusreports.models import StatusReport
from statusreports.months import month_parse, stakeholders_parse
from teams.errors import VersionConflict
from tests.incidents.factories import IncidentFactory
from tests.statusreports.factories import monthly

MARCH = dt.date(2027, 3, 1)
APRIL_2 = dt.datetime(2027, 4, 2, 10, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


def test_create_is_idempotent_and_only_for_ended_months(team, lead):
    first = services.status_report_create(team=team, user=lead, month=MARCH, now=APRIL_2)
    again = services.status_report_create(team=team, user=lead, month=MARCH, now=APRIL_2)
    assert first.pk == again.pk
    assert StatusReport.objects.count() == 1
    with pytest.raises(ValidationError) as error:
        services.status_report_create(team=team, user=lead, month=dt.date(2027, 4, 1), now=APRIL_2)
    assert "month" in error.value.message_dict


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2027-13", "01 to 12"),
        ("1969-12", "between 1970-01-01"),
        ("2201-01", "between 1970-01-01"),
        ("March", "YYYY-MM"),
        ("2027-3", "YYYY-MM"),
    ],
)
def test_months_are_bounded(typed, message):
    with pytest.raises(ValidationError) as error:
        month_parse(typed)
    assert message in " ".join(error.value.message_dict["month"])


def test_only_a_lead_opens_saves_or_publishes(team, lead, member):
    with pytest.raises(PermissionDenied):
        services.status_report_create(team=team, user=member, month=MARCH, now=APRIL_2)
    report = services.status_report_create(team=team, user=lead, month=MARCH, now=APRIL_2)
    with pytest.raises(PermissionDenied):
        services.status_report_update(report=report, user=member, version=1, summary="x")
    with pytest.raises(PermissionDenied):
        services.status_report_publish(report=report, user=member)


def test_a_stale_version_is_a_conflict_with_the_stored_summary(team, lead):
    report = services.status_report_create(team=team, user=lead, month=MARCH, now=APRIL_2)
    saved = services.status_report_update(report=report, user=lead, version=1, summary="Mine")
    assert saved.version == 2
    unchanged = services.status_report_update(report=report, user=lead, version=2, summary="Mine")
    assert unchanged.version == 2
    with pytest.raises(VersionConflict) as conflict:
        services.status_report_update(report=report, user=lead, version=1, summary="Theirs")
    assert conflict.value.version == 2
    assert conflict.value.current == {"summary": "Mine"}
    with pytest.raises(ValidationError):
        services.status_report_update(report=report, user=lead, version=2, summary="x" * 50_001)


def test_published_report_is_kept_as_published(team, lead):
    """The text and HTML are stored at publish time: a later incident in the month, or a
    renamed one, does not change what was sent; no more edits."""
    incident = IncidentFactory(
        team=team, title="Tape outage", detected_at=dt.datetime(2027, 3, 10, 8, tzinfo=dt.UTC)
    )
    report = services.status_report_create(team=team, user=lead, month=MARCH, now=APRIL_2)
    services.status_report_update(report=report, user=lead, version=1, summary="Calm month.")
    with time_machine.travel(APRIL_2, tick=False):
        published = services.status_report_publish(report=report, user=lead)
    assert published.is_published
    assert "Tape outage" in published.published_text
    assert "Calm month." in published.published_html
    sent_text, sent_html = published.published_text, published.published_html

    Incident.objects.filter(pk=incident.pk).update(title="Renamed later")
    IncidentFactory(
        team=team, title="Added later", detected_at=dt.datetime(2027, 3, 11, tzinfo=dt.UTC)
    )
    again = services.status_report_publish(report=published, user=lead)
    again.refresh_from_db()
    assert (again.published_text, again.published_html) == (sent_text, sent_html)
    with pytest.raises(ValidationError):
        services.status_report_update(report=again, user=lead, version=again.version, summary="x")
    assert OutboundEmail.objects.filter(key=f"status-report-published:{report.pk}").count() == 1


def test_recipients_are_the_list_and_the_stakeholders(team, lead):
    team.mailing_list = "ops@example.org"
    team.save()
    monthly(team, stakeholders=["funder@example.org", "ops@example.org"])
    report = services.status_report_create(team=team, user=lead, month=MARCH, now=APRIL_2)
    published = services.status_report_publish(report=report, user=lead)
    assert published.emailed_to == "funder@example.org, ops@example.org"


def test_stakeholders_are_validated(team, lead):
    assert stakeholders_parse("a@example.org, b@example.org\na@example.org") == [
        "a@example.org",
        "b@example.org",
    ]
    with pytest.raises(ValidationError) as error:
        services.status_report_settings_update(
            team=team, user=lead, reports_monthly=True, stakeholders=["ok@example.org", "nope"]
        )
    assert error.value.message_dict == {"stakeholders": ["Not an email address: nope."]}
