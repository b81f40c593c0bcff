from __future__ import annotations

import gc
import hashlib
from pathlib import Path

from cryptography.hazmat.primitives import hashes

from as2.content import CHUNK, Content, Spool, SpoolOptions


def test_view_concat_and_read_do_what_slicing_does() -> None:
    data = bytes(range(256)) * 10
    joined = Content.concat([data[:100], Content.of(data[100:1000]), data[1000:]])
    assert joined.size == len(data)
    assert joined.tobytes() == data
    for start, end in [(0, 1), (99, 101), (150, 2000), (999, 1001), (2559, 2560), (5, 5)]:
        assert joined.read(start, end) == data[start:end]
        assert joined.view(start, end).tobytes() == data[start:end]
    assert joined.view(50, 1500).view(10, 20).tobytes() == data[60:70]


def test_find_across_segments_and_chunks() -> None:
    needle = b"--boundary"
    left = b"x" * (CHUNK - 3) + needle[:5]
    right = needle[5:] + b"y" * 100
    joined = Content.concat([left, right])
    assert joined.find(needle) == CHUNK - 3
    assert joined.find(needle, CHUNK) == -1
    assert Content.of(b"abcabc").find(b"c", 3) == 5
    assert Content.of(b"abcabc").view(1).find(b"a") == 2


def test_spool_moves_to_a_file_and_the_file_is_deleted(tmp_path: Path) -> None:
    spool = Spool(threshold=10, directory=str(tmp_path))
    spool.write(b"12345")
    spool.write(b"678901234")
    content = spool.finish()
    assert not content.in_memory
    path = content.path
    assert path is not None and Path(path).read_bytes() == b"12345678901234"
    assert content.view(3, 8).tobytes() == b"45678"
    assert content.find(b"901") == 8
    assert (
        hashlib.sha256(b"".join(content.chunks(4))).digest()
        == content.digests([hashes.SHA256()])[0]
    )
    del content
    gc.collect()
    assert not Path(path).exists()


def test_small_spool_stays_in_memory(tmp_path: Path) -> None:
    spool = SpoolOptions(threshold=100, directory=str(tmp_path)).spool()
    spool.write(b"abc")
    content = spool.finish()
    assert content.in_memory and content.tobytes() == b"abc"
    assert list(tmp_path.iterdir()) == []


def test_release_deletes_at_once(tmp_path: Path) -> None:
    spool = Spool(threshold=0, directory=str(tmp_path))
    spool.write(b"data")
    content = spool.finish()
    assert len(list(tmp_path.iterdir())) == 1
    content.release()
    assert list(tmp_path.iterdir()) == []


def test_open_streams_the_content(tmp_path: Path) -> None:
    source = tmp_path / "payload"
    source.write_bytes(b"0123456789" * 1000)
    content = Content.concat([b"head:", Content.from_path(source).view(5, 25)])
    assert content.open().read() == b"head:" + (b"0123456789" * 3)[5:25]
    assert Content.from_path(source).path == str(source)
    reader = content.open()
    assert reader.read(3) == b"hea" and reader.read(4) == b"d:56"
