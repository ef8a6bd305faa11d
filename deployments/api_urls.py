from rest_framework.routers import SimpleRouter

from deployments.api import campaigns, changes, hosts

TEAM = r"teams/(?P<team_slug>[-\w]+)"

router = SimpleRouter()
router.register(f"{TEAM}/hosts", hosts.HostViewSet, basename="host")
router.register(f"{TEAM}/changes", changes.ChangeViewSet, basename="change")
router.register(f"{TEAM}/campaigns", campaigns.CampaignViewSet, basename="campaign")

urlpatterns = router.urls
