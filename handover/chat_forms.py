from django import forms
from django.core.validators import URLValidator

from handover.models import ChatWebhook


class ChatWebhookForm(forms.Form):
    """A team's chat webhook. The URL is write-only: the field starts empty and an empty
    field keeps the stored URL."""

    kind = forms.ChoiceField(label="Chat", choices=ChatWebhook.Kind.choices)
    url = forms.URLField(
        label="Incoming webhook URL",
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["https", "http"])],
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="From Slack (Apps → Incoming Webhooks) or Mattermost (Integrations →"
        " Incoming Webhooks). Leave empty to keep the one set.",
    )
    is_active = forms.BooleanField(
        label="Post the handover summary to this channel", required=False, initial=True
    )
