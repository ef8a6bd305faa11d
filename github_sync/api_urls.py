from django.urls import path
from rest_framework.routers import SimpleRouter

from github_sync import api

TEAM = r"teams/(?P<team_slug>[-\w]+)"

router = SimpleRouter()
router.register(
    rf"{TEAM}/action-items/(?P<item_pk>\d+)/github-issues",
    api.ActionItemIssueLinkViewSet,
    basename="action-item-github-issue",
)
router.register(
    rf"{TEAM}/incidents/(?P<incident_pk>\d+)/github-issues",
    api.IncidentIssueLinkViewSet,
    basename="incident-github-issue",
)

urlpatterns = [
    path(
        "teams/<slug:team_slug>/github/status/",
        api.GitHubSyncStatusView.as_view(),
        name="github-status",
    ),
    *router.urls,
]
