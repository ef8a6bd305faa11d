from rest_framework.routers import SimpleRouter

from meetings import api

router = SimpleRouter()
router.register("meeting-series", api.SeriesViewSet, basename="meeting-series")
router.register("meetings", api.MeetingViewSet, basename="meeting")
router.register("meeting-reports", api.ReportViewSet, basename="meeting-report")
router.register("meeting-topics", api.TopicViewSet, basename="meeting-topic")

urlpatterns = router.urls
