from django.contrib import admin

from duties.models import AccessGrant, AccessRequirement, Duty, DutyCheck


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin[Duty]):
    list_display = ["title", "rotation", "cadence", "expert_only", "position", "is_active"]
    list_filter = ["cadence", "expert_only", "is_active"]
    list_select_related = ["rotation", "rotation__team"]


@admin.register(DutyCheck)
class DutyCheckAdmin(admin.ModelAdmin[DutyCheck]):
    list_display = ["duty", "occurs_on", "state", "done_by", "done_at"]
    list_select_related = ["duty", "done_by"]
    raw_id_fields = ["shift"]


@admin.register(AccessRequirement)
class AccessRequirementAdmin(admin.ModelAdmin[AccessRequirement]):
    list_display = ["title", "team", "required", "position"]
    list_select_related = ["team"]


@admin.register(AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin[AccessGrant]):
    list_display = ["requirement", "user", "ticked_at", "confirmed_by", "confirmed_at"]
    list_select_related = ["requirement", "user", "confirmed_by"]
