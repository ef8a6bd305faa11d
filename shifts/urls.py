from django.urls import path

from shifts import feeds
from shifts.views import fairness, leave, rotations, schedule, swaps

app_name = "shifts"
urlpatterns = [
    path("", rotations.index, name="index"),
    path("feeds/<str:token>/me.ics", feeds.personal_feed, name="feed-me"),
    path("feeds/<str:token>/<slug:slug>.ics", feeds.team_feed, name="feed"),
    path("<slug:slug>/rotations/new/", rotations.rotation_create, name="rotation-create"),
    path("<slug:slug>/rotations/<int:pk>/", schedule.schedule, name="schedule"),
    path("<slug:slug>/rotations/<int:pk>/edit/", rotations.rotation_edit, name="rotation-edit"),
    path(
        "<slug:slug>/rotations/<int:pk>/participants/",
        rotations.rotation_participants,
        name="rotation-participants",
    ),
    path("<slug:slug>/rotations/<int:pk>/fairness/", fairness.fairness, name="fairness"),
    path("<slug:slug>/rotations/<int:pk>/fairness.csv", fairness.fairness_csv, name="fairness-csv"),
    path("<slug:slug>/shifts/<int:pk>/", schedule.shift_detail, name="shift"),
    path(
        "<slug:slug>/overrides/<int:pk>/delete/", schedule.override_delete, name="override-delete"
    ),
    path("<slug:slug>/swaps/", swaps.swaps, name="swaps"),
    path("<slug:slug>/swaps/<int:pk>/<slug:action>/", swaps.swap_decide, name="swap-decide"),
    path("<slug:slug>/unavailability/", leave.unavailability, name="unavailability"),
    path(
        "<slug:slug>/unavailability/import/",
        leave.unavailability_import,
        name="unavailability-import",
    ),
    path(
        "<slug:slug>/unavailability/import/confirm/",
        leave.unavailability_import_confirm,
        name="unavailability-import-confirm",
    ),
    path(
        "<slug:slug>/unavailability/<int:pk>/delete/",
        leave.unavailability_delete,
        name="unavailability-delete",
    ),
]
