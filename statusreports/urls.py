from django.urls import path, re_path

from statusreports import views

app_name = "statusreports"
MONTH = r"(?P<month>[0-9]{4}-[0-9]{2})"
urlpatterns = [
    path("<slug:slug>/", views.report_list, name="list"),
    path("<slug:slug>/create/", views.report_create, name="create"),
    path("<slug:slug>/settings/", views.settings_update, name="settings"),
    re_path(rf"^(?P<slug>[-a-zA-Z0-9_]+)/{MONTH}/$", views.report, name="report"),
    re_path(rf"^(?P<slug>[-a-zA-Z0-9_]+)/{MONTH}/publish/$", views.publish, name="publish"),
]
