from django.contrib import admin
from django.db import models

from deployments.models import (
    Campaign,
    CampaignHost,
    Change,
    ChecklistItem,
    Host,
    HostChange,
    HostEvent,
)


@admin.register(Host)
class HostAdmin(admin.ModelAdmin[Host]):
    list_display = ["name", "team", "site", "role", "release", "state", "state_changed_at"]
    list_filter = ["team", "site", "role", "state"]
    search_fields = ["name", "release", "notes"]
    list_select_related = ["team"]
    raw_id_fields = ["state_changed_by"]


@admin.register(HostEvent)
class HostEventAdmin(admin.ModelAdmin[HostEvent]):
    list_display = ["at", "host", "kind", "change", "old_value", "new_value", "by"]
    list_filter = ["kind", "host__team"]
    search_fields = ["host__name", "note"]
    list_select_related = ["host", "change", "by"]
    raw_id_fields = ["host", "change", "by"]
    date_hierarchy = "at"


class HostChangeInline(admin.TabularInline[HostChange, Change]):
    model = HostChange
    extra = 0
    raw_id_fields = ["host", "updated_by"]


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin[Change]):
    list_display = ["id", "title", "team", "kind", "target_release", "created_at", "closed_at"]
    list_filter = ["team", "kind"]
    search_fields = ["title", "link", "target_release"]
    list_select_related = ["team"]
    raw_id_fields = ["created_by"]
    inlines = [HostChangeInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class CampaignHostInline(admin.TabularInline[CampaignHost, Campaign]):
    model = CampaignHost
    extra = 0
    raw_id_fields = ["host", "stage_changed_by"]


class ChecklistItemInline(admin.TabularInline[ChecklistItem, Campaign]):
    model = ChecklistItem
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin[Campaign]):
    list_display = ["title", "team", "kind", "status", "target_release", "starts_on", "ends_on"]
    list_filter = ["team", "kind", "status"]
    search_fields = ["title", "reason"]
    list_select_related = ["team"]
    raw_id_fields = ["created_by"]
    inlines = [CampaignHostInline, ChecklistItemInline]
