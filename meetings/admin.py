from django.contrib import admin

from meetings.models import (
    Meeting,
    MeetingReport,
    MeetingSeries,
    ReportRevision,
    Topic,
    TopicActionItem,
)


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin[MeetingSeries]):
    list_display = ["title", "team", "rrule", "start_time", "time_zone", "shifter_covers"]
    list_filter = ["team", "host", "shifter_covers"]
    search_fields = ["title"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    list_display = ["series", "start_at", "end_at", "status", "is_detached"]
    list_filter = ["status", "series__team"]
    date_hierarchy = "start_at"


class TopicInline(admin.StackedInline[Topic, MeetingReport]):
    model = Topic
    extra = 0
    fields = ["position", "title", "raised_by_team", "raised_by_person", "reply", "decision"]


@admin.register(MeetingReport)
class MeetingReportAdmin(admin.ModelAdmin[MeetingReport]):
    list_display = ["meeting", "status", "author", "version", "published_at"]
    list_filter = ["status", "meeting__series__team"]
    readonly_fields = ["html", "text", "version"]
    inlines = [TopicInline]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["title", "report", "reply", "version"]
    search_fields = ["title", "discussion"]


@admin.register(TopicActionItem)
class TopicActionItemAdmin(admin.ModelAdmin[TopicActionItem]):
    list_display = ["topic", "action_item"]


@admin.register(ReportRevision)
class ReportRevisionAdmin(admin.ModelAdmin[ReportRevision]):
    list_display = ["report", "kind", "version", "author", "saved_at"]
    list_filter = ["kind"]
