"""Celery tasks of oversight. Thin: the data-quality sweep."""

from celery import shared_task

from . import problem_sweep


@shared_task(ignore_result=True)
def check_data_quality():
    """Beat runs this daily (settings: CELERY_BEAT_SCHEDULE["check-data-quality"]): the problem sweep,
    then the monthly inspections due."""
    result = problem_sweep.run()
    problem_sweep.inspections()
    return result.raised
