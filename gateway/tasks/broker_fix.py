"""Keep a worker consuming across a Redis restart: a fix for kombu's Redis transport.

The bug (kombu 5.7.0 with Celery 5.7.0; found by ``tests/faults``' Redis restart): when
the connection to Redis breaks while tasks run (``acks_late``: their messages are
delivered and not yet acknowledged), Celery's consumer releases the connection
(``Connection.collect()``, which sets the transport's ``client`` to None) and then closes
it (``connection.close()``). If the first close of the task channel was cut short (its
outstanding BRPOP read failed on the dead socket), the second close runs
``QoS.restore_unacked_once()``, which builds a new connection pool from
``transport.client``, now None::

    AttributeError: 'NoneType' object has no attribute 'hostname'  (redis.py _connparams)

That is not one of the transport's connection errors, so it escapes the consumer's
reconnect loop: ``Unrecoverable error``, the worker shuts down (``Error on stopping Hub``)
and no task is consumed any more, although beat keeps queueing them. Related reports:
celery/kombu#582 (the same AttributeError closing a gossip channel) and the "worker stops
consuming after a Redis restart" family (celery/celery#8030, #8091, #9054).

The fix: a channel's close goes on when reading its outstanding BRPOP fails with a
connection error (kombu stops the close there), exactly as it goes on when the read
finds nothing. The first close then completes while the transport still knows its
server: the channel is marked closed, its unacknowledged messages are given back if
Redis is reachable (else Redis restores them after the visibility timeout, and when
Redis lost its data the sweeper queues the work again from the store), and the tasks
still running acknowledge through the pool that close left. Every other close is
unchanged. ``tests/integration/pipeline/test_broker_fix.py`` reproduces the bug with
Celery and kombu alone, so the fix can go once kombu no longer needs it.
"""

from __future__ import annotations

from queue import Empty  # what kombu's Redis channel raises for "no message"
from typing import Any

from kombu.transport import redis as kombu_redis

_MARK = "_crossdock_closes_despite_a_dead_brpop"


def keep_consuming_after_broker_loss() -> None:
    """Install the fix on kombu's Redis ``Channel`` (once per process; idempotent)."""
    channel_class: Any = kombu_redis.Channel
    if getattr(channel_class, _MARK, False):
        return
    close = channel_class.close

    def close_despite_a_dead_brpop(self: Any) -> None:
        if self._in_poll:
            try:
                self._brpop_read()  # what kombu's close does first; it clears _in_poll
            except Empty:
                pass
            except self.connection_errors:
                pass  # the socket is dead: nothing to read, the close goes on
        close(self)

    channel_class.close = close_despite_a_dead_brpop
    setattr(channel_class, _MARK, True)
