from django.urls import path, re_path

from github_sync import views

app_name = "github_sync"

TARGET = r"^teams/(?P<slug>[-\w]+)/(?P<kind>action-items|incidents)/(?P<pk>[0-9]+)/"

urlpatterns = [
    path("teams/<slug:slug>/", views.status, name="status"),
    re_path(rf"{TARGET}$", views.issues, name="issues"),
    re_path(rf"{TARGET}links/$", views.links, name="links"),
    re_path(rf"{TARGET}create/$", views.create, name="create"),
    re_path(rf"{TARGET}link/$", views.link, name="link"),
    path("links/<int:pk>/retry/", views.retry, name="retry"),
]
