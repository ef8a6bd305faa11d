from rest_framework.routers import SimpleRouter

from handover import api

TEAM = r"teams/(?P<team_slug>[-\w]+)"

router = SimpleRouter()
router.register(f"{TEAM}/handover-notes", api.HandoverNoteViewSet, basename="handover-note")

urlpatterns = router.urls
