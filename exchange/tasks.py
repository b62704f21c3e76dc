"""Celery tasks of the exchange. Thin."""

from celery import shared_task

from . import services


@shared_task(name="exchange.tasks.pick_up_files", ignore_result=True)
def pick_up_files():
    """Beat, every EXCHANGE_PICKUP_SECONDS: the lists dropped in the partners' folders, compared on arrival."""
    return len(services.pick_up_files())
