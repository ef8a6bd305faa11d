from typing import Any

from django import forms

from duties.models import Duty, DutyCheck
from meetings.models import MeetingSeries
from meetings.selectors import series_for_team
from teams.bounds import SaneDateFormField
from teams.models import Team

POSITION_MAX = 10_000


class DutyCheckForm(forms.Form):
    """Tick (or skip) one occurrence of a duty, with an optional note."""

    duty = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    occurs_on = SaneDateFormField(widget=forms.HiddenInput)
    state = forms.ChoiceField(choices=DutyCheck.State.choices, initial=DutyCheck.State.DONE)
    note = forms.CharField(max_length=500, required=False)


class DutyForm(forms.Form):
    """A duty of a rotation; the service checks the cadence against the meeting series."""

    title = forms.CharField(max_length=200)
    instructions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Markdown: links to dashboards, channels, runbook entries.",
    )
    cadence = forms.ChoiceField(choices=Duty.Cadence.choices)
    meeting_series = forms.ModelChoiceField(
        queryset=MeetingSeries.objects.none(),
        required=False,
        help_text="Only for the cadence 'at each meeting of a series'.",
    )
    expert_only = forms.BooleanField(
        required=False, help_text="A procedure a newcomer must not run alone."
    )
    position = forms.IntegerField(min_value=0, max_value=POSITION_MAX, initial=0)
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting_series"].queryset = series_for_team(team=team)  # type: ignore[attr-defined]


class AccessRequirementForm(forms.Form):
    """An item of the team's access checklist."""

    title = forms.CharField(max_length=200)
    instructions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Markdown: how to get it.",
    )
    required = forms.BooleanField(
        required=False, initial=True, help_text="Nobody should be on shift without it."
    )
    position = forms.IntegerField(min_value=0, max_value=POSITION_MAX, initial=0)
