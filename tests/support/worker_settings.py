"""Settings of the Celery workers the worker tests start: the project's own, with e-mail going to
the slow, traceable test backend instead of the console."""

import os

from config.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.support.slow_email.EmailBackend"

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    # kombu looks for the unacknowledged tasks of dead workers when a worker starts and then only
    # about every 100 s; every second, a short visibility timeout takes effect within a test.
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    # Each test keeps its broker keys apart, so that two test runs side by side on one Redis never
    # take each other's tasks.
    "global_keyprefix": os.environ["BROKER_KEY_PREFIX"],
}
