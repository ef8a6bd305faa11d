from django.contrib import admin

from statusreports.models import StatusReport, StatusReportSettings


@admin.register(StatusReportSettings)
class StatusReportSettingsAdmin(admin.ModelAdmin[StatusReportSettings]):
    list_display = ["team", "reports_monthly"]
    list_select_related = ["team"]


@admin.register(StatusReport)
class StatusReportAdmin(admin.ModelAdmin[StatusReport]):
    list_display = ["team", "month", "state", "published_at"]
    list_filter = ["state"]
    list_select_related = ["team"]
    readonly_fields = ["published_text", "published_html", "emailed_to", "version"]
