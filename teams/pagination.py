"""The API's page format (`?page=`, `?page_size=`). Its own module because DRF loads it
while `rest_framework.viewsets` is still importing, so it cannot live beside the
viewset base in `teams.rest`."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
