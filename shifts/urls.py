from django.urls import path

from shifts import feeds, views

app_name = "shifts"
urlpatterns = [
    path("", views.index, name="index"),
    path("feeds/<str:token>/me.ics", feeds.personal_feed, name="feed-me"),
    path("feeds/<str:token>/<slug:slug>.ics", feeds.team_feed, name="feed"),
    path("<slug:slug>/rotations/new/", views.rotation_create, name="rotation-create"),
    path("<slug:slug>/rotations/<int:pk>/", views.schedule, name="schedule"),
    path("<slug:slug>/rotations/<int:pk>/edit/", views.rotation_edit, name="rotation-edit"),
    path(
        "<slug:slug>/rotations/<int:pk>/participants/",
        views.rotation_participants,
        name="rotation-participants",
    ),
    path("<slug:slug>/rotations/<int:pk>/fairness/", views.fairness, name="fairness"),
    path("<slug:slug>/rotations/<int:pk>/fairness.csv", views.fairness_csv, name="fairness-csv"),
    path("<slug:slug>/shifts/<int:pk>/", views.shift_detail, name="shift"),
    path("<slug:slug>/overrides/<int:pk>/delete/", views.override_delete, name="override-delete"),
    path("<slug:slug>/swaps/", views.swaps, name="swaps"),
    path("<slug:slug>/swaps/<int:pk>/<slug:action>/", views.swap_decide, name="swap-decide"),
    path("<slug:slug>/unavailability/", views.unavailability, name="unavailability"),
    path(
        "<slug:slug>/unavailability/import/",
        views.unavailability_import,
        name="unavailability-import",
    ),
    path(
        "<slug:slug>/unavailability/import/confirm/",
        views.unavailability_import_confirm,
        name="unavailability-import-confirm",
    ),
    path(
        "<slug:slug>/unavailability/<int:pk>/delete/",
        views.unavailability_delete,
        name="unavailability-delete",
    ),
]
