from django.contrib import admin

from shifts.models import (
    Override,
    Participant,
    Rotation,
    Shift,
    ShiftEvent,
    SwapRequest,
    Unavailability,
)


class ParticipantInline(admin.TabularInline[Participant, Rotation]):
    model = Participant
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Rotation)
class RotationAdmin(admin.ModelAdmin[Rotation]):
    list_display = ["name", "team", "period_days", "handover_weekday", "handover_time", "is_active"]
    list_filter = ["team", "is_active"]
    list_select_related = ["team"]
    inlines = [ParticipantInline]


class OverrideInline(admin.TabularInline[Override, Shift]):
    model = Override
    extra = 0
    fk_name = "shift"
    autocomplete_fields = ["user"]
    readonly_fields = ["created_by"]


class ShiftEventInline(admin.TabularInline[ShiftEvent, Shift]):
    model = ShiftEvent
    extra = 0
    readonly_fields = ["kind", "actor", "description", "created_at"]
    can_delete = False


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin[Shift]):
    list_display = ["rotation", "slot", "assignee", "start_at", "end_at", "origin"]
    list_filter = ["team", "origin"]
    list_select_related = ["rotation", "assignee"]
    date_hierarchy = "start_at"
    raw_id_fields = ["rotation", "team", "assignee"]
    inlines = [OverrideInline, ShiftEventInline]


@admin.register(SwapRequest)
class SwapRequestAdmin(admin.ModelAdmin[SwapRequest]):
    list_display = ["pk", "team", "requester", "recipient", "status", "created_at"]
    list_filter = ["team", "status"]
    list_select_related = ["team", "requester", "recipient"]
    raw_id_fields = ["shift", "counter_shift", "requester", "recipient", "decided_by"]


@admin.register(Unavailability)
class UnavailabilityAdmin(admin.ModelAdmin[Unavailability]):
    list_display = ["user", "team", "kind", "starts_on", "ends_on", "note"]
    list_filter = ["team", "kind"]
    list_select_related = ["user", "team"]
    autocomplete_fields = ["user"]
