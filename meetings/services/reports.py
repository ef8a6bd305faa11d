"""Every write about a meeting's report outside the editor's save (services.report_editor):
opening it, adding and removing topics and action items, revisions, and publishing it.
Also the values of a report's parts, which the editor compares and revisions keep."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Window
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from incidents.models import ActionItem
from incidents.services.action_items import action_item_create
from meetings import selectors
from meetings.models import Meeting, MeetingReport, ReportRevision, Topic, TopicActionItem
from outbox.services import email_queue
from teams.selectors import person_name, team_members
from teams.timezones import zone

REVISION_COALESCE = dt.timedelta(seconds=60)
REVISIONS_KEPT = 200

TOPIC_FIELDS = ("title", "raised_by_team", "raised_by_person", "discussion", "reply", "decision")
REPORT_FIELDS = ("attendees", "notes")


def report_values(report: MeetingReport) -> dict[str, Any]:
    return {name: getattr(report, name) for name in REPORT_FIELDS}


def item_values(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "title": item.title,
        "owner_id": item.owner_id,
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "needs_github_issue": item.needs_github_issue,
        "done": item.status == ActionItem.Status.DONE,
    }


def topic_fields(topic: Topic) -> dict[str, str]:
    return {name: getattr(topic, name) for name in TOPIC_FIELDS}


def topic_values(topic: Topic, items: list[ActionItem]) -> dict[str, Any]:
    return {**topic_fields(topic), "items": [item_values(item) for item in items]}


def report_label(*, meeting: Meeting, topic_title: str = "") -> str:
    """'WMCore weekly, Mon 22 Mar 2027 — <topic>' (the day in the meeting's zone)."""
    local = timezone.localtime(meeting.start_at, zone(meeting.series.time_zone))
    label = f"{meeting.series.title}, {local:%a %d %b %Y}"
    return f"{label} — {topic_title}"[:300] if topic_title else label


def report_url(*, meeting: Meeting) -> str:
    return f"{settings.SITE_URL}{reverse('meetings:report', kwargs={'pk': meeting.pk})}"


@transaction.atomic
def report_open(*, meeting: Meeting, user: User) -> MeetingReport:
    """The meeting's report, created as a draft on first use with the carry-over from the
    previous report: its "follow-up needed" topics start this report."""
    report = MeetingReport.objects.filter(meeting=meeting).first()
    if report is not None:
        return report
    if meeting.is_cancelled:
        raise ValidationError("This meeting is cancelled; restore it to write a report.")
    meeting = Meeting.objects.select_for_update().select_related("series").get(pk=meeting.pk)
    report, created = MeetingReport.objects.get_or_create(
        meeting=meeting, defaults={"author": user, "updated_by": user}
    )
    if not created:
        return report
    previous = (
        MeetingReport.objects.filter(
            meeting__series_id=meeting.series_id, meeting__start_at__lt=meeting.start_at
        )
        .order_by("-meeting__start_at")
        .first()
    )
    if previous is not None:
        follow_ups = previous.topics.filter(reply=Topic.Reply.FOLLOW_UP).order_by("position", "pk")
        Topic.objects.bulk_create(
            Topic(
                report=report,
                position=index,
                title=topic.title,
                raised_by_team=topic.raised_by_team,
                raised_by_person=topic.raised_by_person,
                carried_from=topic,
            )
            for index, topic in enumerate(follow_ups)
        )
    return report


def topic_action_item_add(
    *,
    topic: Topic,
    user: User,
    title: str,
    owner: User | None = None,
    due_on: dt.date | None = None,
    needs_github_issue: bool = False,
    row_key: str = "",
) -> ActionItem:
    """Create an action item in incidents for the topic, pointing back at the report;
    `row_key` names the editor row it came from (see `report_editor`)."""
    meeting = topic.report.meeting
    title = title.strip()
    if not title:
        raise ValidationError({"title": "An action item needs a title."})
    item = action_item_create(
        team=meeting.series.team,
        title=title,
        created_by=user,
        owner=owner,
        due_on=due_on,
        source=ActionItem.Source.MEETING,
        source_label=report_label(meeting=meeting, topic_title=topic.title),
        source_url=report_url(meeting=meeting),
        needs_github_issue=needs_github_issue,
    )
    TopicActionItem.objects.create(topic=topic, action_item=item, row_key=row_key)
    return item


def report_check_editable(report: MeetingReport) -> None:
    if report.is_published:
        raise ValidationError("This report is published; it can no longer be edited.")


@transaction.atomic
def topic_add(*, report: MeetingReport, user: User, title: str = "") -> Topic:
    report_check_editable(report)
    last = report.topics.order_by("-position").values_list("position", flat=True).first()
    topic = Topic(report=report, title=title.strip(), position=(last or 0) + 1)
    topic.full_clean(exclude=["report", "carried_from"])
    topic.save()
    return topic


@transaction.atomic
def topic_delete(*, topic: Topic, user: User) -> None:
    """Remove a topic; its action items stay in incidents (they only lose the link)."""
    report = topic.report
    report_check_editable(report)
    items = [link.action_item for link in topic.action_links.select_related("action_item")]
    revision_add(
        report=report,
        user=user,
        kind=ReportRevision.Kind.REMOVED,
        snapshot={"label": topic.title, "yours": topic_values(topic, items)},
    )
    topic.delete()
    revision_record(report=report, user=user)


def report_snapshot(
    report: MeetingReport, *, parts: Iterable[tuple[Topic, list[ActionItem]]] | None = None
) -> dict[str, Any]:
    """What a revision keeps of the report. `parts`: every topic of the report with its
    action items (in the order they were added), when the caller holds them (else read:
    two queries)."""
    if parts is None:
        links = TopicActionItem.objects.filter(topic__report=report)
        items: dict[int, list[ActionItem]] = {}
        for link in links.select_related("action_item__owner"):
            items.setdefault(link.topic_id, []).append(link.action_item)
        parts = [(topic, items.get(topic.pk, [])) for topic in report.topics.all()]
    return {
        **report_values(report),
        "topics": [
            {"id": topic.pk, **topic_fields(topic), "items": [_item_snapshot(i) for i in items]}
            for topic, items in sorted(parts, key=lambda part: (part[0].position, part[0].pk))
        ],
    }


def _item_snapshot(item: ActionItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "owner": person_name(item.owner) if item.owner else "",
        "due_on": item.due_on.isoformat() if item.due_on else "",
        "status": item.status,
        "needs_github_issue": item.needs_github_issue,
    }


def revision_record(
    *,
    report: MeetingReport,
    user: User,
    kind: str = ReportRevision.Kind.SAVE,
    snapshot: dict[str, Any] | None = None,
) -> ReportRevision:
    """Snapshot the report (or keep the given `report_snapshot`). Saves by the same
    person within a minute are coalesced into one revision; only the newest
    REVISIONS_KEPT revisions are kept."""
    now = timezone.now()
    if snapshot is None:
        snapshot = report_snapshot(report)
    # The last revision without its snapshot, with the number of revisions (one query).
    last = (
        report.revisions.order_by("-saved_at", "-pk")
        .defer("snapshot")
        .annotate(total=Window(Count("pk")))
        .first()
    )
    if (
        kind == ReportRevision.Kind.SAVE
        and last is not None
        and last.kind == ReportRevision.Kind.SAVE
        and last.author_id == user.pk
        and now - last.saved_at < REVISION_COALESCE
    ):
        last.snapshot, last.version, last.saved_at = snapshot, report.version, now
        last.save(update_fields=["snapshot", "version", "saved_at"])
        return last
    revision = revision_add(report=report, user=user, kind=kind, snapshot=snapshot)
    if last is not None and last.total >= REVISIONS_KEPT:
        old = report.revisions.order_by("-saved_at", "-pk").values_list("pk", flat=True)[
            REVISIONS_KEPT:
        ]
        ReportRevision.objects.filter(pk__in=list(old)).delete()
    return revision


def revision_add(
    *, report: MeetingReport, user: User, kind: str, snapshot: dict[str, Any]
) -> ReportRevision:
    """A new revision of the report at its current version, saved now."""
    return ReportRevision.objects.create(
        report=report,
        kind=kind,
        version=report.version,
        author=user,
        saved_at=timezone.now(),
        snapshot=snapshot,
    )


def report_render(*, report: MeetingReport) -> tuple[str, str]:
    """The report as (sanitized HTML, plain text), from the same data the page shows."""
    context = selectors.report_context(report=report)
    context["url"] = report_url(meeting=report.meeting)
    # Dates in the report are the meeting's own (e.g. CERN time), whoever publishes it.
    with timezone.override(zone(report.meeting.series.time_zone)):
        html = render_to_string("meetings/report_published.html", context)
        text = render_to_string("meetings/report_email.txt", context)
    return html, text


def report_recipients(*, report: MeetingReport) -> list[str]:
    """Who a published report is emailed to: the team's mailing list, else the emails of
    its active members (maybe nobody)."""
    team = report.meeting.series.team
    if team.mailing_list:
        return [team.mailing_list]
    return sorted({user.email for user in team_members(team=team) if user.email})


@transaction.atomic
def report_publish(*, report: MeetingReport, user: User, send_email: bool = True) -> MeetingReport:
    """Publish the draft: store its HTML and text, and email it (`report_recipients`).

    Publishing a correction (a report published before, see `report_correct`) keeps the
    first publish time, marks it corrected now and emails it again only when
    `send_email`: once per correction (the outbox key names the correction).
    `report.emailed_to` says who was emailed this time (empty: nobody)."""
    report = (
        MeetingReport.objects.select_for_update()
        .select_related("meeting__series__team")
        .get(pk=report.pk)
    )
    report_check_editable(report)
    untitled = report.topics.filter(title="").exists()
    if untitled:
        raise ValidationError("Give every topic a title (or remove it) before publishing.")
    now = timezone.now()
    correction = report.is_correction
    if correction:
        report.corrections += 1
        report.corrected_at = now
    else:
        report.published_at = now
        report.published_by = user
        send_email = True
    report.status = MeetingReport.Status.PUBLISHED
    report.updated_by = user
    report.version += 1
    report.html, report.text = report_render(report=report)
    recipients = report_recipients(report=report) if send_email else []
    report.emailed_to = ", ".join(recipients)
    report.save()
    revision_record(report=report, user=user, kind=ReportRevision.Kind.PUBLISH)
    if recipients:
        team = report.meeting.series.team
        label = report_label(meeting=report.meeting)
        subject = f"[{team.name}] {label}: internal report" + (" (corrected)" if correction else "")
        key = f"report-published:{report.pk}"
        email_queue(
            key=f"{key}:correction-{report.corrections}" if correction else key,
            to=recipients,
            subject=subject,
            text_body=report.text,
            html_body=render_to_string("meetings/report_email.html", {"report": report}),
        )
    return report


@transaction.atomic
def report_correct(*, report: MeetingReport, user: User) -> MeetingReport:
    """Open a published report for a correction: it is a draft again (its published
    version stays in the revisions) until the correction is published."""
    report = MeetingReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_published:
        raise ValidationError("Only a published report can be corrected.")
    report.status = MeetingReport.Status.DRAFT
    report.updated_by = user
    report.version += 1
    report.save(update_fields=["status", "updated_by", "version", "updated_at"])
    return report
