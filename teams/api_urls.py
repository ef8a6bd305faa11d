from django.urls import path
from rest_framework.routers import SimpleRouter

from teams import api

router = SimpleRouter()
router.register("teams", api.TeamViewSet, basename="team")
router.register(
    r"teams/(?P<team_slug>[-\w]+)/memberships", api.MembershipViewSet, basename="membership"
)

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
    *router.urls,
]
