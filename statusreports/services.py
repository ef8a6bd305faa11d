"""Every write about status reports: the team's setting, drafting a month's report (by
a lead, or by the first-of-the-month job), saving its summary with a version, and
publishing it (stored as rendered, emailed once)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from outbox.services import email_queue
from statusreports import rendering, selectors
from statusreports.models import StatusReport, StatusReportSettings
from statusreports.months import (
    month_check_past,
    month_label,
    previous_month,
    stakeholders_check,
)
from teams.access import team_access
from teams.errors import VersionConflict
from teams.models import Membership, Team
from teams.selectors import team_members
from teams.timezones import zone

SUMMARY_MAX = 50_000


def _require_lead(*, team: Team, user: User) -> None:
    team_access(user=user, team=team).require(min_role=Membership.Role.LEAD)


@transaction.atomic
def status_report_settings_update(
    *, team: Team, user: User, reports_monthly: bool, stakeholders: list[str]
) -> StatusReportSettings:
    """Turn monthly reporting on or off and set the stakeholders (a lead)."""
    _require_lead(team=team, user=user)
    cleaned = stakeholders_check(stakeholders)
    found, _ = StatusReportSettings.objects.update_or_create(
        team=team, defaults={"reports_monthly": reports_monthly, "stakeholders": cleaned}
    )
    return found


def _get_or_create(*, team: Team, month: dt.date) -> tuple[StatusReport, bool]:
    """The team's report of `month`, created as a draft once (a concurrent creator that
    loses the race gets the winner's row)."""
    try:
        with transaction.atomic():
            return StatusReport.objects.get_or_create(team=team, month=month)
    except IntegrityError:
        return StatusReport.objects.get(team=team, month=month), False


@transaction.atomic
def status_report_create(
    *, team: Team, user: User, month: dt.date, now: dt.datetime | None = None
) -> StatusReport:
    """A lead opens the report of an ended month (idempotent: an existing one is returned)."""
    _require_lead(team=team, user=user)
    today = (now or timezone.now()).astimezone(zone(team.time_zone)).date()
    month_check_past(month, today=today)
    report, _ = _get_or_create(team=team, month=month)
    return report


def _lead_emails(team: Team) -> list[str]:
    leads = team_members(team=team).filter(memberships__role=Membership.Role.LEAD)
    return sorted({user.email for user in leads if user.email})


@transaction.atomic
def status_report_draft_monthly(*, team_id: int, now: dt.datetime) -> StatusReport | None:
    """On the first of the month in the team's zone, the previous month's draft and one
    "draft ready" email to the leads; any other day (or monthly reporting off), nothing.
    Safe to run any number of times."""
    team = Team.objects.filter(pk=team_id, status_report_settings__reports_monthly=True).first()
    if team is None:
        return None
    today = now.astimezone(zone(team.time_zone)).date()
    if today.day != 1:
        return None
    month = previous_month(today)
    report, _ = _get_or_create(team=team, month=month)
    if report.is_published:
        return report
    label = month_label(month)
    context = {"team": team, "report": report, "label": label, "site_url": settings.SITE_URL}
    email_queue(
        key=f"status-report-draft:{team.slug}:{month:%Y-%m}",
        to=_lead_emails(team),
        subject=f"[{team.name}] Status report for {label}: draft ready",
        text_body=render_to_string("statusreports/draft_ready_email.txt", context),
    )
    return report


def teams_due_ids(*, now: dt.datetime) -> list[int]:
    """Teams with monthly reporting on where it is the first of the month now."""
    rows = StatusReportSettings.objects.filter(reports_monthly=True).values_list(
        "team_id", "team__time_zone"
    )
    return [team_id for team_id, tz in rows if now.astimezone(zone(tz)).day == 1]


def _current(report: StatusReport) -> StatusReport:
    return (
        StatusReport.objects.select_for_update(of=("self",))
        .select_related(*selectors.REPORT_RELATED)
        .get(pk=report.pk)
    )


@transaction.atomic
def status_report_update(
    *, report: StatusReport, user: User, version: int, summary: str
) -> StatusReport:
    """Save the lead's summary if `version` is the stored one (else VersionConflict with
    the stored summary). A published report is kept as sent: no more edits."""
    _require_lead(team=report.team, user=user)
    report = _current(report)
    if report.is_published:
        raise ValidationError({"summary": "This report is published; it is kept as sent."})
    if len(summary) > SUMMARY_MAX:
        raise ValidationError({"summary": f"At most {SUMMARY_MAX} characters."})
    if version != report.version:
        raise VersionConflict(version=report.version, current={"summary": report.summary})
    if summary == report.summary:
        return report
    report.summary = summary
    report.version += 1
    report.updated_by = user
    report.save(update_fields=["summary", "version", "updated_by", "updated_at"])
    return report


def report_recipients(*, team: Team) -> list[str]:
    """The team's mailing list (else its active members) and the stakeholders."""
    found = StatusReportSettings.objects.filter(team=team).first()
    stakeholders = found.stakeholders if found is not None else []
    own = (
        [team.mailing_list]
        if team.mailing_list
        else [user.email for user in team_members(team=team) if user.email]
    )
    return sorted({*own, *stakeholders})


@transaction.atomic
def status_report_publish(
    *, report: StatusReport, user: User, now: dt.datetime | None = None
) -> StatusReport:
    """Publish (a lead): render the month as it stands, store the text and HTML as sent,
    and email them once (key per report) to the list and the stakeholders. Publishing a
    published report changes nothing."""
    _require_lead(team=report.team, user=user)
    report = _current(report)
    if report.is_published:
        return report
    now = now or timezone.now()
    summary = selectors.report_summary(report=report, now=now)
    report.state = StatusReport.State.PUBLISHED
    report.published_at = now
    report.published_by = user
    report.version += 1
    tz = report.team.time_zone
    report.published_text = rendering.report_text(report, summary, viewer_zone=tz)
    report.published_html = rendering.report_html(report, summary, viewer_zone=tz)
    recipients = report_recipients(team=report.team)
    report.emailed_to = ", ".join(recipients)
    report.save()
    if recipients:
        email_queue(
            key=f"status-report-published:{report.pk}",
            to=recipients,
            subject=f"[{report.team.name}] Status report, {month_label(report.month)}",
            text_body=report.published_text,
            html_body=render_to_string("statusreports/report_email.html", {"report": report}),
        )
    return report
