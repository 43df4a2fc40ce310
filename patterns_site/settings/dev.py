"""Local development: the embedded SQLite default, debug on, console email."""

from .base import *  # noqa: F403
from .base import env_bool, os

DEBUG = env_bool("DEBUG", True)
# A development-only key: production.py refuses to start without SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
INTERNAL_IPS = ["127.0.0.1"]
# The benchmark's seed_scale command (synthetic data); production does not install it.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]

# Serve static files straight from the finders, so no collectstatic is needed locally.
WHITENOISE_AUTOREFRESH = True
