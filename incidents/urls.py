from django.urls import path

from incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.index, name="index"),
    path("~mine/", views.my_action_items, name="my-action-items"),
    path("<slug:slug>/", views.incident_list, name="incident-list"),
    path("<slug:slug>/new/", views.incident_create, name="incident-create"),
    path("<slug:slug>/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("<slug:slug>/<int:pk>/edit/", views.incident_edit, name="incident-edit"),
    path("<slug:slug>/<int:pk>/status/", views.incident_status, name="incident-status"),
    path("<slug:slug>/<int:pk>/transfer/", views.incident_transfer, name="incident-transfer"),
    path("<slug:slug>/<int:pk>/promote/", views.incident_promote, name="incident-promote"),
    path("<slug:slug>/<int:pk>/knowledge/", views.incident_link_knowledge, name="incident-link-kb"),
    path(
        "<slug:slug>/<int:pk>/action-items/",
        views.incident_action_item_add,
        name="incident-action-item-add",
    ),
    path("<slug:slug>/<int:pk>/entries/", views.timeline_entry_add, name="timeline-entry-add"),
    path(
        "<slug:slug>/<int:pk>/entries/<int:entry_pk>/edit/",
        views.timeline_entry_edit,
        name="timeline-entry-edit",
    ),
    path("<slug:slug>/components/", views.component_list, name="components"),
    path("<slug:slug>/support/", views.support_list, name="support"),
    path("<slug:slug>/support/new/", views.support_create, name="support-create"),
    path("<slug:slug>/support/<int:pk>/", views.support_edit, name="support-edit"),
    path("<slug:slug>/action-items/", views.action_item_list, name="action-items"),
    path("<slug:slug>/action-items/new/", views.action_item_create, name="action-item-create"),
    path("<slug:slug>/action-items/<int:pk>/", views.action_item_edit, name="action-item-edit"),
    path(
        "<slug:slug>/action-items/<int:pk>/status/",
        views.action_item_close,
        name="action-item-status",
    ),
    path("<slug:slug>/kb/", views.kb_list, name="kb-list"),
    path("<slug:slug>/kb/new/", views.kb_create, name="kb-create"),
    path("<slug:slug>/kb/<int:pk>/", views.kb_detail, name="kb-detail"),
    path("<slug:slug>/kb/<int:pk>/edit/", views.kb_edit, name="kb-edit"),
]
