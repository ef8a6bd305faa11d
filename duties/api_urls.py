from rest_framework.routers import SimpleRouter

from duties.api import access, duties

TEAM = r"teams/(?P<team_slug>[-\w]+)"

router = SimpleRouter()
router.register(f"{TEAM}/duties", duties.DutyViewSet, basename="duty")
router.register(f"{TEAM}/duty-checks", duties.DutyCheckViewSet, basename="duty-check")
router.register(
    f"{TEAM}/access-requirements", access.AccessRequirementViewSet, basename="access-requirement"
)
router.register(f"{TEAM}/access-grants", access.AccessGrantViewSet, basename="access-grant")

urlpatterns = router.urls
