"""The filesystem payload store: content-addressed, durable before it answers, atomic."""

from __future__ import annotations

import errno
import hashlib
import io
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain.payloads import (
    PayloadMissing,
    PayloadStoreFull,
    PayloadStoreUnavailable,
    PayloadTooLarge,
)
from gateway.persistence.payload_files import FilesystemPayloadStore


def test_put_returns_the_sha256_and_get_gives_the_bytes_back(tmp_path: Path) -> None:
    store = FilesystemPayloadStore(tmp_path)
    stored = store.put(b"ISA*00*")
    assert stored.sha256 == hashlib.sha256(b"ISA*00*").hexdigest() and stored.size == 7
    assert store.get(stored.sha256) == b"ISA*00*"
    path = tmp_path / stored.sha256[:2] / stored.sha256[2:4] / stored.sha256
    assert path.read_bytes() == b"ISA*00*"


def test_the_same_content_is_stored_once(tmp_path: Path) -> None:
    store = FilesystemPayloadStore(tmp_path)
    first = store.put(b"same")
    path = tmp_path / first.sha256[:2] / first.sha256[2:4] / first.sha256
    before = path.stat().st_mtime_ns
    assert store.put_stream(io.BytesIO(b"same")) == first
    assert path.stat().st_mtime_ns == before
    assert list((tmp_path / "incoming").iterdir()) == []


def test_files_and_directories_are_fsynced_before_put_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real = os.fsync

    def spy(descriptor: int) -> None:
        synced.append(str(Path(f"/proc/self/fd/{descriptor}").readlink()))
        real(descriptor)

    monkeypatch.setattr(os, "fsync", spy)
    stored = FilesystemPayloadStore(tmp_path).put(b"durable")
    directory = str(tmp_path / stored.sha256[:2] / stored.sha256[2:4])
    assert any("incoming" in name for name in synced)  # the file, before its rename
    assert directory in synced  # the directory entry naming it


def test_a_stream_past_the_limit_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    store = FilesystemPayloadStore(tmp_path)
    with pytest.raises(PayloadTooLarge):
        store.put_stream(io.BytesIO(b"x" * 5000), max_bytes=4096)
    assert list((tmp_path / "incoming").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["incoming"]


def test_unknown_or_malformed_hashes_are_missing(tmp_path: Path) -> None:
    store = FilesystemPayloadStore(tmp_path)
    with pytest.raises(PayloadMissing):
        store.get("0" * 64)
    with pytest.raises(PayloadMissing):
        store.get("../../etc/passwd")


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=3 * (1 << 20) // 2))
def test_streamed_and_whole_puts_agree(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        store = FilesystemPayloadStore(Path(directory))
        streamed = store.put_stream(io.BytesIO(data))
        assert streamed == store.put(data)
        assert store.get(streamed.sha256) == data


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (errno.ENOSPC, PayloadStoreFull),
        (errno.EDQUOT, PayloadStoreFull),
        (errno.EIO, PayloadStoreUnavailable),
        (errno.EROFS, PayloadStoreUnavailable),
        (errno.EACCES, PayloadStoreUnavailable),
    ],
)
@pytest.mark.parametrize("how", ["put", "put_stream"])
def test_a_failing_disk_raises_our_error_and_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int, expected: type, how: str
) -> None:
    store = FilesystemPayloadStore(tmp_path)

    def fail(descriptor: int) -> None:
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(os, "fsync", fail)  # the point where a full disk shows, at the latest
    with pytest.raises(expected) as raised:
        store.put(b"ISA*00*") if how == "put" else store.put_stream(io.BytesIO(b"ISA*00*"))
    assert isinstance(raised.value.__cause__, OSError)
    assert raised.value.retryable  # the sender may send the same bytes again later
    monkeypatch.undo()
    assert list((tmp_path / "incoming").iterdir()) == []
    assert not store.exists(hashlib.sha256(b"ISA*00*").hexdigest())


def test_a_payload_refused_for_its_size_is_still_too_large_not_unavailable(
    tmp_path: Path,
) -> None:
    store = FilesystemPayloadStore(tmp_path)
    with pytest.raises(PayloadTooLarge):
        store.put_stream(io.BytesIO(b"x" * 10), max_bytes=5)
