"""Settings of the benchmark: the project's own, as production would run them (no debug), on the
benchmark's own PostgreSQL database and Redis database."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
os.environ.setdefault("CELERY_BROKER_URL", os.environ["REDIS_URL"])
# The chain of the bulk audit entries is hashed under this key, whatever the demo's secret is.
os.environ.setdefault("AUDIT_CHAIN_KEY", "benchmark-audit-chain-key")

from config.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Static files are not collected for the benchmark: plain storage resolves {% static %}.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("BENCH_SMTP_PORT"):
    # The delivery measurement's worker: real SMTP to the sink the benchmark runs (smtp_sink.py).
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_PORT = int(os.environ["BENCH_SMTP_PORT"])
    EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""
    EMAIL_USE_TLS = EMAIL_USE_SSL = False
else:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    # The benchmark's broker keys stay apart from anybody else's on the same Redis.
    "global_keyprefix": os.environ.get("BENCH_BROKER_PREFIX", "bench:"),
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
ROOT_URLCONF = "bench.urls"
