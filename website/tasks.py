"""Site-wide background jobs."""

from celery import shared_task

from django.core.management import call_command


@shared_task
def ping(value):
    """Echo a value back; proves a task round-trips through the broker and a worker."""
    return {"pong": value}


@shared_task
def publish_scheduled():
    """Publish pages whose go-live time has passed; run every minute by Celery beat.

    Safe to run twice: a page that is already live is not published again.
    """
    call_command("publish_scheduled")
