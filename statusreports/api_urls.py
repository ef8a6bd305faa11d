from rest_framework.routers import SimpleRouter

from statusreports import api

TEAM = r"teams/(?P<team_slug>[-\w]+)"

router = SimpleRouter()
router.register(f"{TEAM}/status-reports", api.StatusReportViewSet, basename="status-report")

urlpatterns = router.urls
