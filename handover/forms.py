from django import forms

from handover.services import NOTE_TEXT_MAX

TEXTAREA = {"rows": 6, "class": "note-text"}


class HandoverNoteForm(forms.Form):
    """The three free-text sections and the version they were typed on."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    ongoing_debugging = forms.CharField(
        label="Ongoing debugging",
        required=False,
        strip=False,
        max_length=NOTE_TEXT_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="What is being chased, where it stands, who knows most. Markdown.",
    )
    watch_out_for = forms.CharField(
        label="Watch out for",
        required=False,
        strip=False,
        max_length=NOTE_TEXT_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Fragile components, backlogs, people waiting for an answer. Markdown.",
    )
    next_week = forms.CharField(
        label="Next week",
        required=False,
        strip=False,
        max_length=NOTE_TEXT_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Meetings to prepare, releases, deadlines. Markdown.",
    )
