"""JSON and text log lines carry the context's fields; the context resets cleanly."""

from __future__ import annotations

import io
import json
import logging

import pytest

from gateway.observability import context, logs


def _line(log_format: logs.LogFormat, message: str, *args: object) -> str:
    out = io.StringIO()
    handler = logs.handler(log_format, out)
    logger = logging.getLogger("tests.observability.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info(message, *args)
    finally:
        logger.removeHandler(handler)
    return out.getvalue().strip()


def test_a_json_line_has_every_context_field_null_when_unknown() -> None:
    with context.scope(message_id="m-1", partner="acme-supply", interchange="000000101"):
        line = json.loads(_line("json", "delivered %d sets", 3))
    assert line["message"] == "delivered 3 sets"
    assert (line["message_id"], line["partner"], line["interchange"]) == (
        "m-1",
        "acme-supply",
        "000000101",
    )
    assert set(context.FIELDS) <= set(line)
    assert line["task_id"] is None and line["level"] == "INFO"
    assert line["time"].endswith("+00:00")


def test_text_lines_are_for_people_and_still_name_the_document() -> None:
    with context.scope(message_id="m-2", task_id="t-9"):
        line = _line("text", "hello")
    assert "message_id=m-2 task_id=t-9" in line and line.endswith("hello")
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_fields_are_scoped_and_unknown_names_refused() -> None:
    with context.scope(partner="a"):
        with context.scope(partner="b", set="0001"):
            assert context.current() == {"partner": "b", "set": "0001"}
        assert context.current() == {"partner": "a"}
    assert context.current() == {}
    with pytest.raises(KeyError):
        context.bind(partnr="typo")


def test_configure_keeps_sqlalchemy_quiet_whatever_the_level() -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        logs.configure("json", logging.DEBUG)
        # SQLAlchemy logs statement parameters (canonical documents) at INFO.
        assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO)
        (handler,) = root.handlers
        assert isinstance(handler.formatter, logs.JsonFormatter)
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
        logging.getLogger("sqlalchemy").setLevel(logging.NOTSET)
