from django.contrib import admin

from health.models import Heartbeat, WorkerPing


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin[Heartbeat]):
    list_display = ["source", "beat_at", "count"]


@admin.register(WorkerPing)
class WorkerPingAdmin(admin.ModelAdmin[WorkerPing]):
    list_display = ["pk", "requested_at", "answered_at", "answered_by"]
