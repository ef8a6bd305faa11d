import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The meeting tests create many users; the fast hasher keeps them quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
