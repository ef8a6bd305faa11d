"""Accounts: failed logins lock out (django-axes), bad API tokens are throttled, and a
forgotten password is reset by email."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from rest_framework.authtoken.models import Token

PASSWORD = "correct-horse-battery"  # tests.teams.factories.UserFactory's


def login(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_after_ten_failures_even_the_right_password_is_refused(client, member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "member", "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = login(client, "member", "wrong")
    assert response.status_code == 429
    response = login(client, "member", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "refused for 15 minutes" in page
    assert "Forgot your password?" in page
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by this one's failures.
    assert login(client, "member", PASSWORD, REMOTE_ADDR="192.0.2.7").status_code == 302


def test_a_successful_login_resets_the_count(client, member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "member", "wrong")
    assert login(client, "member", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "member", "wrong")
    assert login(client, "member", PASSWORD).status_code == 302


def test_forwarded_for_is_ignored_unless_a_proxy_is_configured(client, member, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        # A client making up a new address each time is still one client.
        login(client, "member", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    assert login(client, "member", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, member, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "member", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    locked = login(client, "member", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert locked.status_code == 429
    other = login(client, "member", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    assert other.status_code == 302


@pytest.fixture
def clean_throttle():
    cache.clear()
    yield
    cache.clear()


def test_a_burst_of_bad_tokens_gets_429_then_even_a_good_token(api_client, member, clean_throttle):
    token = Token.objects.create(user=member)
    statuses = []
    for number in range(25):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token guess{number:04d}")
        statuses.append(api_client.get("/api/v1/me/").status_code)
    assert statuses[:20] == [401] * 20
    assert set(statuses[20:]) == {429}
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    # Session users from the same address are not affected.
    api_client.credentials()
    api_client.force_login(member)
    assert api_client.get("/api/v1/me/").status_code == 200


def test_good_tokens_are_never_throttled(api_client, member, clean_throttle):
    token = Token.objects.create(user=member)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert {api_client.get("/api/v1/me/").status_code for _ in range(30)} == {200}


def test_password_reset_by_email(client, member, settings):
    member.email = "member@example.org"
    member.save()
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in page
    assert "Forgot your password?" in page

    response = client.post("/accounts/password/reset/", {"email": "member@example.org"})
    assert response.status_code == 302
    assert "Check your email" in client.get(response.url).content.decode()
    (message,) = mail.outbox
    assert message.to == ["member@example.org"]
    assert message.subject == "Your Shiftdesk password"
    # The link is built on SITE_URL, whatever Host header the request carried.
    link = re.search(
        re.escape(settings.SITE_URL) + r"(/accounts/password/reset/\S+/)", message.body
    )
    assert link, message.body

    response = client.get(link.group(1))  # Django swaps the token for a session marker
    assert response.status_code == 302
    form_url = response.url
    assert "Set a new password" in client.get(form_url).content.decode()
    response = client.post(
        form_url, {"new_password1": "a-new-long-pass-42", "new_password2": "a-new-long-pass-42"}
    )
    assert response.status_code == 302
    assert "Password set" in client.get(response.url).content.decode()

    assert login(client, "member", PASSWORD).status_code == 200  # the old one is gone
    assert login(client, "member", "a-new-long-pass-42").status_code == 302
    # The link worked once.
    assert "no longer valid" in client.get(link.group(1), follow=True).content.decode()


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/sent/"
    assert mail.outbox == []
