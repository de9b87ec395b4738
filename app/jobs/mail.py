"""The e-mail of a notice as a job: tried 3 times, a failure kept on the job."""
from __future__ import annotations

from .runner import Handler


def run(session, job, progress) -> None:
    from ..services.notices import send_email

    send_email(session, int((job.params or {})["message_id"]))


HANDLER = Handler(run, "Не удалось отправить письмо: %(error)s", attempts=3)
