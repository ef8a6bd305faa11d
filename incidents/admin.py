from django.contrib import admin

from incidents.models import (
    ActionItem,
    Component,
    Incident,
    KnowledgeEntry,
    SupportRequest,
    TimelineEntry,
    TimelineEntryRevision,
)


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin[Component]):
    list_display = ["name", "team", "description"]
    list_filter = ["team"]
    search_fields = ["name"]


class TimelineEntryInline(admin.TabularInline[TimelineEntry, Incident]):
    model = TimelineEntry
    extra = 0
    fields = ["occurred_at", "kind", "author", "body", "edited_at"]
    readonly_fields = ["edited_at"]
    raw_id_fields = ["author"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin[Incident]):
    list_display = ["id", "title", "team", "kind", "severity", "status", "owner", "detected_at"]
    list_filter = ["team", "kind", "severity", "status"]
    list_select_related = ["team", "owner"]
    search_fields = ["title", "summary"]
    date_hierarchy = "detected_at"
    raw_id_fields = ["owner", "reporter", "created_by", "related", "knowledge_entries"]
    filter_horizontal = ["components"]
    inlines = [TimelineEntryInline]


class RevisionInline(admin.TabularInline[TimelineEntryRevision, TimelineEntry]):
    model = TimelineEntryRevision
    extra = 0
    readonly_fields = ["body", "edited_by", "edited_at"]


@admin.register(TimelineEntry)
class TimelineEntryAdmin(admin.ModelAdmin[TimelineEntry]):
    list_display = ["incident", "kind", "author", "occurred_at", "edited_at"]
    list_filter = ["kind"]
    list_select_related = ["incident", "author"]
    raw_id_fields = ["incident", "author"]
    inlines = [RevisionInline]


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin[SupportRequest]):
    list_display = ["asked_by", "asking_team", "team", "channel", "asked_at", "first_response_at"]
    list_filter = ["team", "channel"]
    list_select_related = ["team"]
    search_fields = ["asked_by", "question", "answer"]
    raw_id_fields = ["handled_by", "incident", "created_by"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin[ActionItem]):
    list_display = ["title", "team", "owner", "due_on", "status", "source"]
    list_filter = ["team", "status", "source", "needs_github_issue"]
    list_select_related = ["team", "owner"]
    search_fields = ["title", "details"]
    raw_id_fields = ["owner", "incident", "created_by"]


@admin.register(KnowledgeEntry)
class KnowledgeEntryAdmin(admin.ModelAdmin[KnowledgeEntry]):
    list_display = ["title", "team", "expert_only", "updated_at"]
    list_filter = ["team", "expert_only"]
    list_select_related = ["team"]
    search_fields = ["title", "symptom", "diagnosis", "mitigation"]
    raw_id_fields = ["source_incident", "created_by"]
    filter_horizontal = ["components"]
