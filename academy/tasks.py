from celery import shared_task


@shared_task(ignore_result=False)
def ping() -> str:
    """Answers "pong": proves a message travelled broker -> worker -> result backend."""
    return "pong"
