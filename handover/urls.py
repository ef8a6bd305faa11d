from django.urls import path

from handover import views

app_name = "handover"
urlpatterns = [
    path("<slug:slug>/shifts/<int:shift_id>/", views.note, name="note"),
    path("<slug:slug>/shifts/<int:shift_id>/finalise/", views.finalise, name="finalise"),
    path("<slug:slug>/shifts/<int:shift_id>/acknowledge/", views.acknowledge, name="acknowledge"),
]
