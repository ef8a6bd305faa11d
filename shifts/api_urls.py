from django.urls import path
from rest_framework.routers import SimpleRouter

from shifts.api import oncall, overrides, rotations, shifts, swaps, unavailability

TEAM = r"teams/(?P<team_slug>[-\w]+)"

router = SimpleRouter()
router.register(f"{TEAM}/rotations", rotations.RotationViewSet, basename="rotation")
router.register(f"{TEAM}/shifts", shifts.ShiftViewSet, basename="shift")
router.register(f"{TEAM}/overrides", overrides.OverrideViewSet, basename="override")
router.register(f"{TEAM}/swaps", swaps.SwapRequestViewSet, basename="swap")
router.register(
    f"{TEAM}/unavailability", unavailability.UnavailabilityViewSet, basename="unavailability"
)

urlpatterns = [
    path("teams/<slug:team_slug>/oncall/", oncall.OnCallView.as_view(), name="api-oncall"),
    path("teams/<slug:team_slug>/events/", oncall.TeamEventsView.as_view(), name="api-events"),
    *router.urls,
]
