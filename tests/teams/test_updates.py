"""`model_update` checks what changed: an unchanged foreign key costs no query, a changed
one is checked, and uniqueness and constraints always see every field."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from teams.models import Membership
from teams.updates import model_update
from tests.teams.factories import MembershipFactory, UserFactory


def test_an_unchanged_foreign_key_is_not_checked_again(team, member, django_assert_num_queries):
    membership = Membership.objects.get(team=team, user=member)
    with django_assert_num_queries(2):  # the (user, team) uniqueness check, the update
        _, changed = model_update(
            instance=membership, fields=("role",), data={"role": Membership.Role.EXPERT}
        )
    assert changed == ["role"]
    membership.refresh_from_db()
    assert membership.role == Membership.Role.EXPERT


def test_a_changed_foreign_key_is_checked(team, member):
    membership = Membership.objects.get(team=team, user=member)
    with pytest.raises(ValidationError) as error:
        model_update(instance=membership, fields=("user",), data={"user": User(pk=10**9)})
    assert "user" in error.value.message_dict


def test_uniqueness_counts_the_unchanged_foreign_key(team, member):
    other = MembershipFactory(team=team, user=UserFactory())
    with pytest.raises(ValidationError) as error:
        model_update(instance=other, fields=("user",), data={"user": member})
    assert error.value.messages == ["Membership with this User and Team already exists."]
    assert Membership.objects.filter(team=team, user=member).count() == 1
