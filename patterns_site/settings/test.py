"""Tests: fast hashing, local-memory cache, plain static storage (no manifest needed)."""

from .base import *  # noqa: F403
from .base import os

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
# The benchmark's seed_scale command (synthetic data); production does not install it.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
WAGTAILADMIN_BASE_URL = "http://testserver"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Serve static files straight from the finders: tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True

# Page caching would hide query counts and stale-data bugs; its own tests switch it on.
PAGE_CACHE_SECONDS = 0
CONTENT_DATA_CACHE_SECONDS = 0
