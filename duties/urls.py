from django.urls import path

from duties import views, views_lead

app_name = "duties"
urlpatterns = [
    path("<slug:slug>/shifts/<int:shift_pk>/check/", views.duty_check, name="check"),
    path("<slug:slug>/checks/<int:pk>/undo/", views.duty_check_undo, name="check-undo"),
    path("<slug:slug>/access/", views.access_checklist, name="access"),
    path("<slug:slug>/access/add/", views_lead.requirement_create, name="requirement-add"),
    path("<slug:slug>/access/<int:pk>/edit/", views_lead.requirement_edit, name="requirement-edit"),
    path(
        "<slug:slug>/access/<int:pk>/delete/",
        views_lead.requirement_delete,
        name="requirement-delete",
    ),
    path(
        "<slug:slug>/rotations/<int:rotation_pk>/",
        views_lead.rotation_duties,
        name="rotation-duties",
    ),
    path("<slug:slug>/duties/<int:pk>/edit/", views_lead.duty_edit, name="duty-edit"),
    path("<slug:slug>/duties/<int:pk>/delete/", views_lead.duty_delete, name="duty-delete"),
]
