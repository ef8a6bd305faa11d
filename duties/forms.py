from django import forms

from duties.models import DutyCheck
from teams.bounds import SaneDateFormField


class DutyCheckForm(forms.Form):
    """Tick (or skip) one occurrence of a duty, with an optional note."""

    duty = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    occurs_on = SaneDateFormField(widget=forms.HiddenInput)
    state = forms.ChoiceField(choices=DutyCheck.State.choices, initial=DutyCheck.State.DONE)
    note = forms.CharField(max_length=500, required=False)
