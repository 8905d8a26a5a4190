"""Settings of the app servers that tests/test_several_servers.py starts: the production
settings, read from the environment as always, with the fast password hasher that
tests/conftest.py gives the test process, so that a login over HTTP costs milliseconds
rather than a PBKDF2 run of a second on a busy machine."""

from secondmile.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
