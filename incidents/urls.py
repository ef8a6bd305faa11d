from django.urls import path

from incidents.views import action_items, components, incidents, knowledge, support

app_name = "incidents"
urlpatterns = [
    path("", incidents.index, name="index"),
    path("~mine/", action_items.my_action_items, name="my-action-items"),
    path("<slug:slug>/", incidents.incident_list, name="incident-list"),
    path("<slug:slug>/new/", incidents.incident_create, name="incident-create"),
    path("<slug:slug>/<int:pk>/", incidents.incident_detail, name="incident-detail"),
    path("<slug:slug>/<int:pk>/edit/", incidents.incident_edit, name="incident-edit"),
    path("<slug:slug>/<int:pk>/status/", incidents.incident_status, name="incident-status"),
    path("<slug:slug>/<int:pk>/transfer/", incidents.incident_transfer, name="incident-transfer"),
    path("<slug:slug>/<int:pk>/promote/", incidents.incident_promote, name="incident-promote"),
    path(
        "<slug:slug>/<int:pk>/knowledge/",
        incidents.incident_link_knowledge,
        name="incident-link-kb",
    ),
    path(
        "<slug:slug>/<int:pk>/action-items/",
        incidents.incident_action_item_add,
        name="incident-action-item-add",
    ),
    path("<slug:slug>/<int:pk>/entries/", incidents.timeline_entry_add, name="timeline-entry-add"),
    path(
        "<slug:slug>/<int:pk>/entries/<int:entry_pk>/edit/",
        incidents.timeline_entry_edit,
        name="timeline-entry-edit",
    ),
    path("<slug:slug>/components/", components.component_list, name="components"),
    path("<slug:slug>/support/", support.support_list, name="support"),
    path("<slug:slug>/support/new/", support.support_create, name="support-create"),
    path("<slug:slug>/support/<int:pk>/", support.support_edit, name="support-edit"),
    path("<slug:slug>/action-items/", action_items.action_item_list, name="action-items"),
    path(
        "<slug:slug>/action-items/new/", action_items.action_item_create, name="action-item-create"
    ),
    path(
        "<slug:slug>/action-items/<int:pk>/", action_items.action_item_edit, name="action-item-edit"
    ),
    path(
        "<slug:slug>/action-items/<int:pk>/status/",
        action_items.action_item_close,
        name="action-item-status",
    ),
    path("<slug:slug>/kb/", knowledge.kb_list, name="kb-list"),
    path("<slug:slug>/kb/new/", knowledge.kb_create, name="kb-create"),
    path("<slug:slug>/kb/<int:pk>/", knowledge.kb_detail, name="kb-detail"),
    path("<slug:slug>/kb/<int:pk>/edit/", knowledge.kb_edit, name="kb-edit"),
]
