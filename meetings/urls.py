from django.urls import path

from meetings import feeds, views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("feeds/<str:token>/<slug:slug>.ics", feeds.team_feed, name="feed"),
    path("teams/<slug:slug>/series/new/", views.series_create, name="series-create"),
    path("teams/<slug:slug>/reports/", views.team_archive, name="team-archive"),
    path("series/<int:pk>/", views.series_detail, name="series-detail"),
    path("series/<int:pk>/edit/", views.series_edit, name="series-edit"),
    path("series/<int:pk>/reports/", views.series_archive, name="series-archive"),
    path("series/<int:pk>/compile/", views.series_compile, name="series-compile"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("<int:pk>/restore/", views.meeting_restore, name="meeting-restore"),
    path("<int:pk>/move/", views.meeting_move, name="meeting-move"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report/start/", views.report_start, name="report-start"),
    path("<int:pk>/report/save/", views.report_save, name="report-save"),
    path("<int:pk>/report/autosave/", views.report_autosave, name="report-autosave"),
    path("<int:pk>/report/correct/", views.report_correct, name="report-correct"),
    path("<int:pk>/report/revisions/", views.report_revisions, name="report-revisions"),
    path(
        "<int:pk>/report/revisions/<int:revision_pk>/restore/",
        views.revision_restore,
        name="revision-restore",
    ),
]
