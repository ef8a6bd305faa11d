from django import forms

from teams.models import Membership, Profile, Team
from teams.timezones import time_zone_choices


class TeamForm(forms.ModelForm[Team]):
    time_zone = forms.ChoiceField(choices=time_zone_choices)

    class Meta:
        model = Team
        fields = ["name", "slug", "time_zone", "mailing_list", "github_repo", "visibility"]


class MembershipAddForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class MembershipEditForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)
    is_active = forms.BooleanField(required=False, label="Active")


class ProfileForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Display time zone",
        choices=lambda: [("", "My first team's zone"), *time_zone_choices()],
        required=False,
    )
    github_login = forms.CharField(label="GitHub login", max_length=39, required=False)
    feed_meetings = forms.ChoiceField(
        label="Meetings in my personal calendar feed", choices=Profile.FeedMeetings.choices
    )
