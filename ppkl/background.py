"""Background work without Redis: one thread per web process and kind of job.

With REDIS_URL set, jobs are RQ jobs run by `flask --app ppkl report worker` processes; without
it (`make run`, tests, a single machine), a ThreadRunner works through them in the web process,
in order, each inside an app context with a session of its own.
"""

import logging
import queue
import threading
from collections.abc import Callable

from flask import Flask

from ppkl.extensions import db

log = logging.getLogger(__name__)


class ThreadRunner:
    """One background thread, working through submitted arguments in order with `run`."""

    def __init__(self, app: Flask, run: Callable[[object], object], name: str):
        self.app = app
        self.run = run
        self.name = name
        self.items: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def submit(self, item) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.work, name=self.name, daemon=True)
                self.thread.start()
        self.items.put(item)

    def work(self) -> None:
        while True:
            item = self.items.get()
            try:
                with self.app.app_context():
                    try:
                        self.run(item)
                    finally:
                        db.session.remove()
            except Exception:
                log.exception("%s: %s", self.name, item)
            finally:
                self.items.task_done()

    def wait(self) -> None:
        """Block until every submitted item is processed (tests, shutdown)."""
        self.items.join()


def runner_for(app: Flask, key: str, run: Callable[[object], object]) -> ThreadRunner:
    """The app's runner for this kind of job, started on first use."""
    runner = app.extensions.get(key)
    if runner is None:
        runner = app.extensions[key] = ThreadRunner(app, run, key.replace("_", "-"))
    return runner


def wait_for(app: Flask, key: str) -> None:
    runner = app.extensions.get(key)
    if runner is not None:
        runner.wait()


def redis_queue(app: Flask):
    """The RQ queue the `report worker` processes serve (REPORT_QUEUE)."""
    from redis import Redis
    from rq import Queue

    return Queue(app.config["REPORT_QUEUE"], connection=Redis.from_url(app.config["REDIS_URL"]))
