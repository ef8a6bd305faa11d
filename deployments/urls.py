from django.urls import path, register_converter

from deployments import views
from deployments.models import HOST_NAME_PATTERN


class HostNameConverter:
    regex = HOST_NAME_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(HostNameConverter, "host")

app_name = "deployments"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.matrix, name="matrix"),
    path("<slug:slug>/matrix/<int:change_pk>/<host:name>/", views.cell_record, name="cell-record"),
    path("<slug:slug>/hosts/", views.host_list, name="hosts"),
    path("<slug:slug>/hosts/<host:name>/", views.host_detail, name="host-detail"),
    path("<slug:slug>/changes/", views.change_list, name="changes"),
    path("<slug:slug>/changes/<int:pk>/", views.change_detail, name="change-detail"),
    path("<slug:slug>/changes/<int:pk>/apply-pending/", views.apply_pending, name="apply-pending"),
    path("<slug:slug>/campaigns/", views.campaign_list, name="campaigns"),
    path("<slug:slug>/campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path(
        "<slug:slug>/campaigns/<int:pk>/hosts/<host:name>/stage/",
        views.campaign_stage,
        name="campaign-stage",
    ),
    path(
        "<slug:slug>/campaigns/<int:pk>/checklist/<int:item_pk>/tick/",
        views.checklist_tick,
        name="checklist-tick",
    ),
    path("<slug:slug>/import/", views.patch_table_upload, name="import"),
    path("<slug:slug>/import/confirm/", views.patch_table_confirm, name="import-confirm"),
]
