from rest_framework.routers import SimpleRouter

from incidents.api import action_items, components, incidents, knowledge, support, timeline

TEAM = r"teams/(?P<team_slug>[-\w]+)"

router = SimpleRouter()
router.register(f"{TEAM}/components", components.ComponentViewSet, basename="component")
router.register(f"{TEAM}/incidents", incidents.IncidentViewSet, basename="incident")
router.register(
    rf"{TEAM}/incidents/(?P<incident_pk>\d+)/timeline",
    timeline.TimelineEntryViewSet,
    basename="timeline-entry",
)
router.register(
    f"{TEAM}/support-requests", support.SupportRequestViewSet, basename="support-request"
)
router.register(f"{TEAM}/action-items", action_items.ActionItemViewSet, basename="action-item")
router.register(f"{TEAM}/knowledge", knowledge.KnowledgeEntryViewSet, basename="knowledge-entry")

urlpatterns = router.urls
