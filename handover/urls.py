from django.urls import path

from handover import dispatch_views, views

app_name = "handover"
urlpatterns = [
    path("<slug:slug>/shifts/<int:shift_id>/", views.note, name="note"),
    path("<slug:slug>/shifts/<int:shift_id>/finalise/", views.finalise, name="finalise"),
    path("<slug:slug>/shifts/<int:shift_id>/acknowledge/", views.acknowledge, name="acknowledge"),
]
urlpatterns += [
    path(
        "<slug:slug>/shifts/<int:shift_id>/email/",
        dispatch_views.email_preview,
        name="email-preview",
    ),
    path(
        "<slug:slug>/shifts/<int:shift_id>/email/html/",
        dispatch_views.email_html,
        name="email-html",
    ),
    path(
        "<slug:slug>/shifts/<int:shift_id>/email/send/",
        dispatch_views.email_send_now,
        name="email-send",
    ),
    path("<slug:slug>/chat/", dispatch_views.chat_settings, name="chat-settings"),
]
