"""Restoring an earlier version of a report from its revision history.

A restore is itself a save: each part it changes gets its next version (an editor open
on the old versions is told, as for any other save), topics that were not in that
version are removed (and kept in the history), and a new "restored" revision records
the result. Action items are not rolled back: they live in incidents and may have moved
on (done, reassigned) since.
"""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from meetings.models import MeetingReport, ReportRevision, Topic
from meetings.services import reports
from meetings.services.report_editor import header_write, topic_write

RESTORABLE = {ReportRevision.Kind.SAVE, ReportRevision.Kind.PUBLISH, ReportRevision.Kind.RESTORE}


@transaction.atomic
def revision_restore(*, revision: ReportRevision, user: User) -> MeetingReport:
    """Make the report read as in `revision` again (a new revision, never an overwrite)."""
    report = MeetingReport.objects.select_for_update().get(pk=revision.report_id)
    reports.report_check_editable(report)
    if revision.kind not in RESTORABLE:
        raise ValidationError("Only a saved version of the whole report can be restored.")
    snapshot: dict[str, Any] = revision.snapshot
    header = {name: snapshot.get(name, "") for name in reports.REPORT_FIELDS}
    if header != reports.report_values(report):
        header_write(report=report, user=user, values=header)
    current = list(Topic.objects.select_for_update().filter(report=report).order_by("position"))
    by_id = {topic.pk: topic for topic in current}
    kept: set[int] = set()
    for index, old in enumerate(snapshot.get("topics", []), start=1):
        fields = {name: old.get(name, "") for name in reports.TOPIC_FIELDS}
        # Snapshots name their topics; older ones are matched by position.
        topic = by_id.get(old["id"]) if "id" in old else _at(current, index - 1)
        if topic is None or topic.pk in kept:
            topic = Topic.objects.create(report=report, position=index, **fields)
        elif reports.topic_fields(topic) != fields or topic.position != index:
            topic_write(topic=topic, values={**fields, "position": index})
        kept.add(topic.pk)
    for topic in current:
        if topic.pk not in kept:
            reports.topic_delete(topic=topic, user=user)
    report.updated_by = user
    report.save(update_fields=["updated_by", "updated_at"])
    reports.revision_record(report=report, user=user, kind=ReportRevision.Kind.RESTORE)
    return report


def _at(topics: list[Topic], index: int) -> Topic | None:
    return topics[index] if index < len(topics) else None
