"""Every deployments model in the admin opens: its list (with demo rows) and its add form."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from tests.teams.factories import UserFactory

MODELS = sorted(
    model._meta.model_name
    for model in admin.site._registry
    if model._meta.app_label == "deployments"
)


@pytest.fixture
def admin_client(client, db):
    with override_settings(DEBUG=True):
        call_command("seed_demo")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_models_are_registered():
    assert MODELS == ["campaign", "change", "host", "hostevent"]


@pytest.mark.parametrize("model_name", MODELS)
def test_admin_list_and_add_pages_open(admin_client, model_name):
    changelist = reverse(f"admin:deployments_{model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(f"{changelist}?q=a").status_code == 200
    assert admin_client.get(reverse(f"admin:deployments_{model_name}_add")).status_code == 200
