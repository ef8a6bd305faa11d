from rest_framework.routers import SimpleRouter

from incidents import api

TEAM = r"teams/(?P<team_slug>[-\w]+)"

router = SimpleRouter()
router.register(f"{TEAM}/components", api.ComponentViewSet, basename="component")
router.register(f"{TEAM}/incidents", api.IncidentViewSet, basename="incident")
router.register(
    rf"{TEAM}/incidents/(?P<incident_pk>\d+)/timeline",
    api.TimelineEntryViewSet,
    basename="timeline-entry",
)
router.register(f"{TEAM}/support-requests", api.SupportRequestViewSet, basename="support-request")
router.register(f"{TEAM}/action-items", api.ActionItemViewSet, basename="action-item")
router.register(f"{TEAM}/knowledge", api.KnowledgeEntryViewSet, basename="knowledge-entry")

urlpatterns = router.urls
