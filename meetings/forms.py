"""Forms of the meeting pages (the live report editor's post: services.report_editor)."""

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from meetings import recurrence
from meetings.models import LONGEST_MEETING_MINUTES, MeetingSeries
from meetings.services import series as series_services
from teams.bounds import SaneDateFormField, SaneDateTimeFormField
from teams.timezones import time_zone_choices

WEEKDAY_CHOICES = [(str(index), name) for index, name in enumerate(recurrence.WEEKDAY_NAMES)]
MONTH_WEEK_CHOICES = [(str(number), name) for number, name in recurrence.ORDINALS.items()]


class SeriesForm(forms.ModelForm[MeetingSeries]):
    """The series with a friendly recurrence (weekly on days every N weeks, or monthly on
    the Nth weekday every N months), stored as an RRULE."""

    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="Europe/Zurich")
    frequency = forms.ChoiceField(
        choices=[(recurrence.WEEKLY, "Weekly"), (recurrence.MONTHLY, "Monthly")],
        initial=recurrence.WEEKLY,
        widget=forms.RadioSelect,
    )
    interval = forms.IntegerField(
        label="Every N weeks / months", min_value=1, max_value=24, initial=1
    )
    weekdays = forms.MultipleChoiceField(
        label="On (weekly)",
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    month_week = forms.ChoiceField(
        label="On the (monthly)", choices=MONTH_WEEK_CHOICES, required=False, initial="1"
    )
    month_weekday = forms.ChoiceField(
        label="Weekday (monthly)", choices=WEEKDAY_CHOICES, required=False, initial="0"
    )
    video_url = forms.URLField(label="Video link", required=False, assume_scheme="https")
    agenda_url = forms.URLField(label="Agenda link", required=False, assume_scheme="https")

    class Meta:
        model = MeetingSeries
        # Every field of the service but the RRULE, which the friendly recurrence builds.
        fields = [name for name in series_services.SERIES_FIELDS if name != "rrule"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    field_order = [
        "title", "time_zone", "frequency", "interval", "weekdays", "month_week",
        "month_weekday", "starts_on", "ends_on", "start_time", "duration_minutes",
    ]  # fmt: skip

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contact = self.fields["contact"]
        assert isinstance(contact, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        contact.queryset = members
        instance = self.instance
        if instance.pk and instance.rrule:
            spec = recurrence.rule_parse(instance.rrule)
            if spec is not None:
                self.initial.update(
                    frequency=spec.frequency,
                    interval=spec.interval,
                    weekdays=[str(day) for day in spec.weekdays],
                    month_week=str(spec.month_week),
                    month_weekday=str(spec.month_weekday),
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "frequency" not in data or "interval" not in data:
            return data
        spec = recurrence.RuleSpec(
            frequency=data["frequency"],
            interval=data["interval"],
            weekdays=tuple(int(day) for day in data.get("weekdays") or ()),
            month_week=int(data.get("month_week") or 1),
            month_weekday=int(data.get("month_weekday") or 0),
        )
        try:
            data["rrule"] = recurrence.rule_build(spec)
        except ValueError as error:
            field = "weekdays" if data["frequency"] == recurrence.WEEKLY else "month_week"
            self.add_error(field, str(error))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in series_services.SERIES_FIELDS}


class MoveForm(forms.Form):
    start_at = SaneDateTimeFormField(
        label="New start (your time zone)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(min_value=1, max_value=LONGEST_MEETING_MINUTES)
    note = forms.CharField(max_length=300, required=False)


class CancelForm(forms.Form):
    note = forms.CharField(label="Reason", max_length=300, required=False)


class ArchiveSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)


class CompileForm(forms.Form):
    start = SaneDateFormField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = SaneDateFormField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end comes before the start.")
        if start and end and (end - start).days > 3 * 366:
            self.add_error("end", "Compile at most three years at once.")
        return data
