import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The people these tests create need a password, not a slow one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
