"""The Celery app the matrix workers run (`celery -A orchestration.celery_app worker ...`, started by
`escalator celery-workers`): dagster-celery's step task, on the broker the settings name."""

from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_task

from orchestration.celery_executor import app_args
from orchestration.settings import load_settings

app = make_app(app_args(load_settings().celery))
execute_plan = create_task(app)
