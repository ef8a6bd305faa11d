from django.urls import path
from rest_framework.routers import SimpleRouter

from shifts import api

TEAM = r"teams/(?P<team_slug>[-\w]+)"

router = SimpleRouter()
router.register(f"{TEAM}/rotations", api.RotationViewSet, basename="rotation")
router.register(f"{TEAM}/shifts", api.ShiftViewSet, basename="shift")
router.register(f"{TEAM}/overrides", api.OverrideViewSet, basename="override")
router.register(f"{TEAM}/swaps", api.SwapRequestViewSet, basename="swap")
router.register(f"{TEAM}/unavailability", api.UnavailabilityViewSet, basename="unavailability")

urlpatterns = [
    path("teams/<slug:team_slug>/oncall/", api.OnCallView.as_view(), name="api-oncall"),
    path("teams/<slug:team_slug>/events/", api.TeamEventsView.as_view(), name="api-events"),
    *router.urls,
]
