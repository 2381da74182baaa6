"""Probe 28: a Celery worker that lost Redis for long exited, and outside docker-compose nothing started it again. The
worker's own retry loop (kombu's, as the consumer runs it with the portal's settings) goes on past Celery's default
of 100 tries; here the waits between tries are cut to nothing so that 150 tries take a moment."""

import pytest

from binhson_plan.celery import app


class StillTrying(Exception):
    pass


def test_the_worker_keeps_trying_to_reach_a_broker_that_is_down():
    tries = []

    def on_error(exc, interval):
        tries.append(exc)
        if len(tries) == 150:
            raise StillTrying

    connection = app.connection_for_read("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        with pytest.raises(StillTrying):
            connection.ensure_connection(
                on_error, app.conf.broker_connection_max_retries, interval_start=0, interval_step=0, interval_max=0
            )
    finally:
        connection.release()
    assert len(tries) == 150
