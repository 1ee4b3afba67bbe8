"""The `-A` target: `celery --app=workers.celery worker` (the docker-compose command)."""

from workers.app import make_celery
from workers.settings import WorkerSettings

app = make_celery(WorkerSettings.from_env())
