"""Settings shared by every environment. Anything that differs between
environments is read from the environment in dev.py, test.py or production.py."""

import os
from pathlib import Path

import dj_database_url
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "patterns_site",
    "catalogue",
    "recipes",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "markdownx",
    "csp",
    "allauth",
    "allauth.account",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "patterns_site.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses HTML, JSON and CSV, with Django's BREACH mitigation (random bytes in the
    # gzip header). Inside WhiteNoise: static files are sent precompressed, never twice.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "patterns_site.middleware.SecurityHeadersMiddleware",
    "patterns_site.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "patterns_site.urls"
WSGI_APPLICATION = "patterns_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "patterns_site.context_processors.site",
            ],
        },
    },
]

# The embedded zero-setup default is a SQLite file; production and CI set DATABASE_URL
# to PostgreSQL. A short connect timeout makes an unreachable database fail fast.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3
    # Planner settings for each connection, measured at 50,000 offerings on 2 cores:
    # - a gunicorn worker serves one request at a time, so parallel query workers only
    #   compete with other requests for the same cores (a broad search's ranking query:
    #   101 ms with two workers, 50 ms without);
    # - the data is in memory or on SSD, where the default random_page_cost of 4 makes
    #   PostgreSQL scan the whole search index instead of using its GIN index
    #   ("payments": 96 ms, 41 ms at 1.1);
    # - ranking a broad search's 14,000 matches holds about 6 MB of rows, which spilled to
    #   temporary files at the default work_mem of 4 MB (44 ms, 40 ms at 16 MB);
    # - no JIT: every query here is short, but the planner costs a tiered search's unread
    #   tiers too, and a broad word ("payments") passed jit_above_cost: compiling its plan
    #   took 190 ms of a query that runs in 5.
    DATABASES["default"]["OPTIONS"].setdefault(
        "options",
        " ".join(
            f"-c {setting}"
            for setting in os.environ.get(
                "DB_SESSION_SETTINGS",
                "max_parallel_workers_per_gather=0 random_page_cost=1.1 work_mem=16MB jit=off",
            ).split()
        ),
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# static/ holds our own CSS and JS; build/frontend is written by `make assets` from the
# pinned govuk-frontend npm package, so no third-party asset is committed.
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "build" / "frontend"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "patterns_site.media.AtomicFileSystemStorage"},
    "staticfiles": {"BACKEND": "patterns_site.static_storage.HashedStaticFilesStorage"},
}
# Uploads go to S3-compatible object storage (django-storages) when a bucket is set, so
# any number of app servers share them; otherwise to MEDIA_ROOT, served by the app
# (patterns_site/media.py). Names are content hashes, so objects are cached for a year.
# The bucket, or the custom domain in front of it, must let anyone read its objects.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
MEDIA_ORIGIN = ""
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN", "")
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL", "")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # Read by boto3 from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the
            # machine's role) when these are empty.
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
            "custom_domain": AWS_S3_CUSTOM_DOMAIN or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "default_acl": os.environ.get("AWS_DEFAULT_ACL") or None,
            # Unsigned, lasting URLs: pages that show a logo are cached.
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    if AWS_S3_CUSTOM_DOMAIN:
        MEDIA_ORIGIN = f"https://{AWS_S3_CUSTOM_DOMAIN}"
    elif AWS_S3_ENDPOINT_URL:
        MEDIA_ORIGIN = AWS_S3_ENDPOINT_URL.rstrip("/")
    else:
        MEDIA_ORIGIN = f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"

SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The Wagtail admin previews pages in a same-origin frame, so SecurityHeadersMiddleware
# relaxes this to SAMEORIGIN for /admin/ only.
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# A strict policy for the public site: scripts only from our origin, no inline script
# or style, nothing framed. JSON-LD blocks are data, not script, so they need nothing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", csp_constants.NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# The Wagtail admin uses inline scripts and styles; it keeps every other protection.
ADMIN_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# Bad input must never become a 500: Django answers 400 for these limits.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000

WAGTAIL_SITE_NAME = "Plumbing"
# The address links in emails are built on (moderation emails, and account emails sent
# outside a request). Production derives it from ALLOWED_HOSTS when SITE_URL is unset.
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The admin shows Wagtail's own default avatar, from our static files: no editor's
# email address is sent to an avatar service, and the strict CSP has nothing to block.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Moderation emails go to the moderators' group, one per submission: with superusers
# included, Wagtail emails each superuser twice (for the workflow and for its task).
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
# Wagtail's database backend; on PostgreSQL, with queries shaped for a large catalogue. A
# named text search configuration makes PostgreSQL's to_tsquery immutable, so a query is
# parsed once per search rather than once per row, and stemming does not depend on the
# server's default_text_search_config. SQLite ignores it.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "patterns_site.search_backend", "SEARCH_CONFIG": "english"}
}
WAGTAIL_I18N_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt", "xlsx", "odt", "ods", "docx"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {"features": ["h2", "h3", "bold", "italic", "ol", "ul", "link"]},
    }
}

# django-markdownx renders previews with this function, so the preview is sanitised
# exactly like the public page.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "catalogue.markdown.render_markdown"
MARKDOWNX_UPLOAD_MAX_SIZE = 2 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png"]

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "plumbing@localhost")
# GOV.UK Notify sends the site's email when an API key is set: one Notify template whose
# subject is ((subject)) and body is ((body)) carries every message.
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "")
if NOTIFY_API_KEY:
    if not NOTIFY_TEMPLATE_ID:
        raise ImproperlyConfigured("Set NOTIFY_TEMPLATE_ID to the Notify template for email.")
    EMAIL_BACKEND = "patterns_site.notify.NotifyEmailBackend"

# Accounts (django-allauth, under /accounts/): everyone signs in with a verified email
# address, suppliers on the portal and editors for the Wagtail admin alike. Addresses are
# compared without case or surrounding spaces; no page says whether an address has an
# account (the owner is emailed instead); rate limits live in the cache (Redis in
# production, so every worker shares them).
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
WAGTAILADMIN_LOGIN_URL = "account_login"
# The admin's own password reset and change of email would bypass the rate limits and the
# verification of the new address: editors use the account pages instead.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
ACCOUNT_ADAPTER = "patterns_site.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
# A signed-in supplier sent to sign in by the admin (which they may not use) sees the
# form, where an editor can sign in, rather than a redirect back to the admin (a loop).
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
# A link, opened by a GET that only shows a page with a button: mail scanners follow links.
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Stored, random confirmation keys rather than signed ones, so a change of password can
# revoke the links already sent (patterns_site/accounts/receivers.py).
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = int(os.environ.get("ACCOUNT_CONFIRMATION_DAYS", "3"))
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_FORMS = {
    "login": "patterns_site.accounts.forms.SignInForm",
    "signup": "patterns_site.accounts.forms.SignUpForm",
    "add_email": "patterns_site.accounts.forms.EmailChangeForm",
    "reset_password": "patterns_site.accounts.forms.PasswordResetForm",
    "reset_password_from_key": "patterns_site.accounts.forms.PasswordResetKeyForm",
    "change_password": "patterns_site.accounts.forms.PasswordChangeForm",
}
# Sessions end after PORTAL_SESSION_AGE, however the visitor signed in.
PORTAL_SESSION_AGE = 60 * 60 * 8
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_SESSION_COOKIE_AGE = PORTAL_SESSION_AGE
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
# The client address for rate limits is REMOTE_ADDR unless this many proxies, which add
# their own X-Forwarded-For entry, are under our control in front of the app.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Failed sign-ins: per address (any case or spacing) and per client, so guessing one
# account's password and trying one password on many accounts are both stopped.
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "5"))
LOGIN_FAILURES_PER_CLIENT = int(os.environ.get("LOGIN_FAILURES_PER_CLIENT", "20"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
REVIEW_REPORTS_PER_HOUR = int(os.environ.get("REVIEW_REPORTS_PER_HOUR", "10"))
ACCOUNT_RATE_LIMITS = {
    "login": os.environ.get("RATE_LIMIT_LOGIN", "30/m/ip"),
    "login_failed": (
        f"{LOGIN_FAILURES_PER_CLIENT}/{LOGIN_LOCKOUT_MINUTES}m/ip,"
        f"{LOGIN_FAILURES_PER_ADDRESS}/{LOGIN_LOCKOUT_MINUTES}m/key"
    ),
    "signup": os.environ.get("RATE_LIMIT_SIGNUP", "10/h/ip"),
    "reset_password": os.environ.get("RATE_LIMIT_PASSWORD_RESET", "10/h/ip,3/h/key"),
    "reset_password_from_key": "20/m/ip",
    "manage_email": os.environ.get("RATE_LIMIT_EMAIL_CHANGE", "5/h/user"),
    "change_password": "5/m/user",
    "confirm_email": "1/3m/key",
    # Reports of councils' reviews (recipes.council_portal.views.review_report): per account
    # when signed in (a council's staff may share one address), per address otherwise.
    "report_review_user": f"{REVIEW_REPORTS_PER_HOUR}/h/user",
    "report_review_ip": f"{REVIEW_REPORTS_PER_HOUR}/h/ip",
}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Optional at run time (patterns_site/cache.py): a stopped or hung Redis costs a request
    # at most one short timeout, then is skipped for a few seconds; pages go uncached.
    CACHES = {
        "default": {
            "BACKEND": "patterns_site.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "SOCKET_TIMEOUT": float(os.environ.get("REDIS_TIMEOUT_SECONDS", "0.25")),
            "SKIP_SECONDS": float(os.environ.get("REDIS_SKIP_SECONDS", "5")),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous pages are cached until content changes (see patterns_site/page_cache.py), and
# so is data every visitor sees alike on pages rendered for visitors with a session. A
# change is noticed through a version number in the cache, which every worker process
# must share: both are on by default only with Redis (local memory is per process).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300" if REDIS_URL else "0"))
CONTENT_DATA_CACHE_SECONDS = int(
    os.environ.get("CONTENT_DATA_CACHE_SECONDS", "300" if REDIS_URL else "0")
)
PAGE_CACHE_WATCHED_APPS = ["catalogue", "recipes", "patterns_site", "wagtailcore"]
# Saved by visitors, shown on no cached page: saving one must not empty the cache.
PAGE_CACHE_IGNORED_MODELS = [
    "recipes.SavedBasket",
    "catalogue.SupplierInvitation",
    # A follow, an event or a digest shows on no cached page.
    "patterns_site.Follow",
    "patterns_site.FollowEvent",
    "patterns_site.Digest",
]

PLUMBING_PHASE = os.environ.get("PLUMBING_PHASE", "Alpha")
PLUMBING_FEEDBACK_URL = os.environ.get("PLUMBING_FEEDBACK_URL", "")
# Where the accessibility statement tells people to report a problem or ask for another
# format: the team that runs this instance. Defaults to the address the site sends from.
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", DEFAULT_FROM_EMAIL)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "plumbing.requests": {"level": os.environ.get("REQUEST_LOG_LEVEL", "INFO")},
        # Wagtail runs search-index and reference-index updates as tasks and logs each one.
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
    },
}
