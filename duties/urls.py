from django.urls import path

from duties import views

app_name = "duties"
urlpatterns = [
    path("<slug:slug>/shifts/<int:shift_pk>/check/", views.duty_check, name="check"),
    path("<slug:slug>/checks/<int:pk>/undo/", views.duty_check_undo, name="check-undo"),
    path("<slug:slug>/access/", views.access_checklist, name="access"),
]
