"""The limit "who is on shift now" is measured against: a bare DRF view with the same
token authentication and middleware, doing no work (`bench/oncall_benchmark.py` in
process, `bench/http_benchmark.py` over HTTP through `bench.http_settings`)."""

from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class Constant(APIView):
    def get(self, request: Request) -> Response:
        return Response({"ok": True})


urlpatterns = [
    path("bench/constant/", Constant.as_view()),
    path("", include("config.urls")),
]
