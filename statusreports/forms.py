from django import forms

from statusreports.services import SUMMARY_MAX
from teams.bounds import EARLIEST_DATE, LATEST_DATE


class SummaryForm(forms.Form):
    """The lead's summary and the version it was typed on."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    summary = forms.CharField(
        label="Summary",
        required=False,
        strip=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 10, "id": "id_summary"}),
        help_text="The month in your words, for the stakeholders. Markdown.",
    )


class MonthForm(forms.Form):
    month = forms.CharField(
        label="Month",
        max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM", "type": "month"}),
        help_text=f"A month that has ended, {EARLIEST_DATE:%Y} to {LATEST_DATE:%Y} (YYYY-MM).",
    )


class SettingsForm(forms.Form):
    reports_monthly = forms.BooleanField(
        label="Report monthly (a draft for the leads on the first of each month)", required=False
    )
    stakeholders = forms.CharField(
        label="Stakeholders",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Email addresses that also receive published reports, one a line.",
    )
