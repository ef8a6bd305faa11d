"""Every write about a meeting's live report: opening it, saving with conflict detection,
topics and their action items, revisions, and publishing it."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from incidents.models import ActionItem
from incidents.services.action_items import action_item_create, action_item_update
from meetings.models import (
    Meeting,
    MeetingReport,
    ReportRevision,
    Topic,
    TopicActionItem,
)
from meetings.report_inputs import (
    TOPIC_FIELDS,
    Conflict,
    ReportInput,
    SaveResult,
    TopicInput,
    VersionConflictError,
    _fingerprint,
    item_values,
    report_values,
    topic_values,
)
from outbox.services import email_queue
from teams.models import Team
from teams.timezones import zone

REVISION_COALESCE = dt.timedelta(seconds=60)
REVISIONS_KEPT = 200


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


def _owner_map(team: Team, ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    users = User.objects.filter(
        pk__in=ids, memberships__team=team, memberships__is_active=True
    ).distinct()
    found = {user.pk: user for user in users}
    missing = ids - set(found)
    if missing:
        raise ValidationError({"owner": "An owner must be an active member of the team."})
    return found


def _apply_items(
    *, topic: Topic, given: TopicInput, items: list[ActionItem], owners: dict[int, User]
) -> None:
    by_id = {item.pk: item for item in items}
    for item_input in given.items:
        item = by_id.get(item_input.id)
        if item is None or item_values(item) == item_input.values():
            continue
        status = item.status
        if item_input.done:
            status = ActionItem.Status.DONE
        elif item.status == ActionItem.Status.DONE:
            status = ActionItem.Status.OPEN
        if not item_input.title.strip():
            raise ValidationError({"items": "An action item needs a title."})
        action_item_update(
            action_item=item,
            title=item_input.title.strip(),
            owner=owners.get(item_input.owner_id) if item_input.owner_id else None,
            due_on=item_input.due_on,
            needs_github_issue=item_input.needs_github_issue,
            status=status,
        )


def topic_action_item_add(
    *,
    topic: Topic,
    user: User,
    title: str,
    owner: User | None = None,
    due_on: dt.date | None = None,
    needs_github_issue: bool = False,
) -> ActionItem:
    """Create an action item in incidents for the topic, pointing back at the report."""
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
        github_repo=meeting.series.team.github_repo if needs_github_issue else "",
    )
    TopicActionItem.objects.create(topic=topic, action_item=item)
    return item


def _check_editable(report: MeetingReport) -> None:
    if report.is_published:
        raise ValidationError("This report is published; it can no longer be edited.")


def _save_header(
    *, report: MeetingReport, user: User, data: ReportInput, result: SaveResult, who: str
) -> None:
    mine, current = data.values(), report_values(report)
    touched = _fingerprint(mine) != data.base and mine != current
    if touched and data.version == report.version:
        report.attendees, report.notes = data.attendees, data.notes
        report.version += 1
        report.updated_by = user
        report.save(update_fields=["attendees", "notes", "version", "updated_by", "updated_at"])
        result.changed = True
    elif touched:
        result.conflicts.append(
            Conflict("report", "Attendees and notes", report.version, mine, current, who)
        )
    elif data.version != report.version and mine != current:
        result.stale["report"] = "Attendees and notes"


@transaction.atomic
def report_save(
    *, report: MeetingReport, user: User, data: ReportInput, create_new_items: bool = False
) -> SaveResult:
    """Save what the editor sent, part by part (the header, each topic with its action
    items). A part changed here *and* by someone else since this editor loaded it is a
    conflict: it is not written (both versions are returned, and the text sent is kept
    as a conflict revision). Parts this editor did not touch are never written back."""
    report = (
        MeetingReport.objects.select_for_update()
        .select_related("meeting__series__team")
        .get(pk=report.pk)
    )
    _check_editable(report)
    team = report.meeting.series.team
    result = SaveResult()
    who = report.updated_by.get_username() if report.updated_by else "someone"

    if data.has_header:
        _save_header(report=report, user=user, data=data, result=result, who=who)

    topics = {topic.pk: topic for topic in Topic.objects.select_for_update().filter(report=report)}
    links = TopicActionItem.objects.filter(topic__report=report).select_related("action_item")
    items_by_topic: dict[int, list[ActionItem]] = {}
    for link in links:
        items_by_topic.setdefault(link.topic_id, []).append(link.action_item)
    owner_ids = {item.owner_id for given in data.topics for item in given.items if item.owner_id}
    owner_ids |= {
        given.new_item.owner_id
        for given in data.topics
        if given.new_item and given.new_item.owner_id
    }
    owners = _owner_map(team, owner_ids)

    for given in data.topics:
        topic = topics.get(given.id)
        if topic is None:
            continue
        items = items_by_topic.get(topic.pk, [])
        current = topic_values(topic, items)
        mine = given.values()
        touched = _fingerprint(mine) != given.base and mine != current
        if touched and given.version == topic.version:
            for name in TOPIC_FIELDS:
                setattr(topic, name, getattr(given, name))
            topic.full_clean(exclude=["report", "carried_from"])
            _apply_items(topic=topic, given=given, items=items, owners=owners)
            topic.version += 1
            topic.save()
            result.changed = True
        elif touched:
            result.conflicts.append(
                Conflict(
                    f"topic-{topic.pk}",
                    topic.title or "Untitled topic",
                    topic.version,
                    mine,
                    current,
                    who,
                    topic_id=topic.pk,
                )
            )
        elif given.version != topic.version and mine != current:
            result.stale[f"topic-{topic.pk}"] = topic.title or "Untitled topic"
        if create_new_items and given.new_item and given.new_item.title.strip():
            new = given.new_item
            topic_action_item_add(
                topic=topic,
                user=user,
                title=new.title,
                owner=owners.get(new.owner_id) if new.owner_id else None,
                due_on=new.due_on,
                needs_github_issue=new.needs_github_issue,
            )
            topic.version += 1
            topic.save(update_fields=["version", "updated_at"])
            result.changed = True

    if result.changed:
        if report.updated_by_id != user.pk:
            report.updated_by = user
        report.save(update_fields=["updated_by", "updated_at"])
        revision_record(report=report, user=user)
    for conflict in result.conflicts:
        _revision_conflict(report=report, user=user, conflict=conflict)
    return result


@transaction.atomic
def topic_add(*, report: MeetingReport, user: User, title: str = "") -> Topic:
    _check_editable(report)
    last = report.topics.order_by("-position").values_list("position", flat=True).first()
    topic = Topic(report=report, title=title.strip(), position=(last or 0) + 1)
    topic.full_clean(exclude=["report", "carried_from"])
    topic.save()
    return topic


@transaction.atomic
def report_update(
    *, report: MeetingReport, user: User, version: int, **fields: str
) -> MeetingReport:
    """Change the report's attendees / notes (API); a stale `version` is a conflict."""
    unknown = set(fields) - {"attendees", "notes"}
    if unknown:
        raise ValidationError(f"Unknown report fields: {', '.join(sorted(unknown))}.")
    locked = MeetingReport.objects.select_for_update().get(pk=report.pk)
    _check_editable(locked)
    if locked.version != version:
        raise VersionConflictError(version=locked.version, current=report_values(locked))
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.updated_by = user
    locked.full_clean(exclude=["meeting", "author", "updated_by", "published_by"])
    locked.save()
    revision_record(report=locked, user=user)
    return locked


@transaction.atomic
def topic_update(*, topic: Topic, user: User, version: int, **fields: Any) -> Topic:
    """Change a topic's fields (API); a stale `version` is a conflict."""
    unknown = set(fields) - set(TOPIC_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown topic fields: {', '.join(sorted(unknown))}.")
    locked = Topic.objects.select_for_update().select_related("report").get(pk=topic.pk)
    _check_editable(locked.report)
    if locked.version != version:
        current = {name: getattr(locked, name) for name in TOPIC_FIELDS}
        raise VersionConflictError(version=locked.version, current=current)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["report", "carried_from"])
    locked.version += 1
    locked.save()
    revision_record(report=locked.report, user=user)
    return locked


@transaction.atomic
def topic_delete(*, topic: Topic, user: User) -> None:
    """Remove a topic; its action items stay in incidents (they only lose the link)."""
    report = topic.report
    _check_editable(report)
    items = [link.action_item for link in topic.action_links.select_related("action_item")]
    ReportRevision.objects.create(
        report=report,
        kind=ReportRevision.Kind.REMOVED,
        version=report.version,
        author=user,
        saved_at=timezone.now(),
        snapshot={"label": topic.title, "yours": topic_values(topic, items)},
    )
    topic.delete()
    revision_record(report=report, user=user)


def report_snapshot(report: MeetingReport) -> dict[str, Any]:
    links = TopicActionItem.objects.filter(topic__report=report).select_related(
        "action_item__owner"
    )
    items: dict[int, list[dict[str, Any]]] = {}
    for link in links:
        item = link.action_item
        items.setdefault(link.topic_id, []).append(
            {
                "title": item.title,
                "owner": item.owner.get_username() if item.owner else "",
                "due_on": item.due_on.isoformat() if item.due_on else "",
                "status": item.status,
                "needs_github_issue": item.needs_github_issue,
            }
        )
    return {
        "attendees": report.attendees,
        "notes": report.notes,
        "topics": [
            {
                **{name: getattr(topic, name) for name in TOPIC_FIELDS},
                "items": items.get(topic.pk, []),
            }
            for topic in report.topics.order_by("position", "pk")
        ],
    }


def revision_record(
    *, report: MeetingReport, user: User, kind: str = ReportRevision.Kind.SAVE
) -> ReportRevision:
    """Snapshot the report. Saves by the same person within a minute are coalesced
    into one revision; only the newest REVISIONS_KEPT revisions are kept."""
    now = timezone.now()
    snapshot = report_snapshot(report)
    last = report.revisions.order_by("-saved_at", "-pk").first()
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
    revision = ReportRevision.objects.create(
        report=report,
        kind=kind,
        version=report.version,
        author=user,
        saved_at=now,
        snapshot=snapshot,
    )
    old = report.revisions.order_by("-saved_at", "-pk").values_list("pk", flat=True)[
        REVISIONS_KEPT:
    ]
    ReportRevision.objects.filter(pk__in=list(old)).delete()
    return revision


def _revision_conflict(*, report: MeetingReport, user: User, conflict: Conflict) -> None:
    snapshot = {"label": conflict.label, "unit": conflict.unit, "yours": conflict.yours}
    last = report.revisions.filter(kind=ReportRevision.Kind.CONFLICT, author=user).first()
    if last is not None and last.snapshot == snapshot:
        return
    ReportRevision.objects.create(
        report=report,
        kind=ReportRevision.Kind.CONFLICT,
        version=report.version,
        author=user,
        saved_at=timezone.now(),
        snapshot=snapshot,
    )


def report_render(*, report: MeetingReport) -> tuple[str, str]:
    """The report as (sanitized HTML, plain text), from the same data the page shows."""
    from meetings.selectors import report_context

    context = report_context(report=report)
    context["url"] = report_url(meeting=report.meeting)
    # Dates in the report are the meeting's own (e.g. CERN time), whoever publishes it.
    with timezone.override(zone(report.meeting.series.time_zone)):
        html = render_to_string("meetings/report_published.html", context)
        text = render_to_string("meetings/report_email.txt", context)
    return html, text


@transaction.atomic
def report_publish(*, report: MeetingReport, user: User) -> MeetingReport:
    """Publish the draft: store its HTML and text, and email it to the team's list."""
    report = (
        MeetingReport.objects.select_for_update()
        .select_related("meeting__series__team")
        .get(pk=report.pk)
    )
    _check_editable(report)
    untitled = report.topics.filter(title="").exists()
    if untitled:
        raise ValidationError("Give every topic a title (or remove it) before publishing.")
    report.status = MeetingReport.Status.PUBLISHED
    report.published_at = timezone.now()
    report.published_by = user
    report.updated_by = user
    report.version += 1
    report.html, report.text = report_render(report=report)
    report.save()
    revision_record(report=report, user=user, kind=ReportRevision.Kind.PUBLISH)
    team = report.meeting.series.team
    subject = f"[{team.name}] {report_label(meeting=report.meeting)}: internal report"
    email_queue(
        key=f"report-published:{report.pk}",
        to=[team.mailing_list],
        subject=subject,
        text_body=report.text,
        html_body=render_to_string("meetings/report_email.html", {"report": report}),
    )
    return report
