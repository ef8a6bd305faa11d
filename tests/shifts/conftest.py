import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The factories hash a password per user; PBKDF2 would dominate these tests' time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
