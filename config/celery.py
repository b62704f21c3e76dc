"""Celery application.

The embedded default needs no server: the broker is Celery's filesystem transport under var/celery,
and `make run` starts one worker with beat embedded. Production points CELERY_BROKER_URL at Redis.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("homeward")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
