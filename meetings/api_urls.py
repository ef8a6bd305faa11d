from rest_framework.routers import SimpleRouter

from meetings.api import meetings, reports, series, topics

TEAM = r"teams/(?P<team_slug>[-\w]+)"

router = SimpleRouter()
router.register(f"{TEAM}/meeting-series", series.SeriesViewSet, basename="meeting-series")
router.register(f"{TEAM}/meetings", meetings.MeetingViewSet, basename="meeting")
router.register(f"{TEAM}/meeting-reports", reports.ReportViewSet, basename="meeting-report")
router.register(f"{TEAM}/meeting-topics", topics.TopicViewSet, basename="meeting-topic")

urlpatterns = router.urls
