"""Every model in the Django admin opens: its list (with a row in it) and its add form."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from tests.teams.factories import UserFactory

MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label
    in {
        "teams",
        "outbox",
        "health",
        "incidents",
        "deployments",
        "github_sync",
        "meetings",
        "shifts",
    }
)


@pytest.fixture
def admin_client(client, db):
    with override_settings(DEBUG=True):
        call_command("seed_demo")  # rows in every list
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(("app_label", "model_name"), MODELS)
def test_admin_list_and_add_pages_open(admin_client, app_label, model_name):
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(f"{changelist}?q=a").status_code == 200
    assert admin_client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code in (
        200,
        403,
    )


def test_every_app_registers_its_models():
    assert {app for app, _ in MODELS} == {
        "teams",
        "outbox",
        "health",
        "incidents",
        "deployments",
        "github_sync",
        "meetings",
        "shifts",
    }
