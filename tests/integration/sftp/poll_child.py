"""One poll in its own process, so a test can kill it at a chosen moment.

``python -m tests.integration.sftp.poll_child '<json>'`` where the JSON holds the
RemoteServer fields plus ``sink`` (a DirectorySink folder) and ``mode``:

- ``run``: poll to the end, print the fetched message ids as JSON;
- ``stall``: print ``downloading`` once a quarter of a file has arrived, then hang
  there (the test kills the process mid-download);
- ``die-after-store``: kill itself with SIGKILL right after the sink stored a file
  larger than 1 MB, before the remote file is archived.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import paramiko

from sftp.poller import poll
from sftp.remote import RemoteServer
from sftp.sink import DirectorySink


class _DieAfterStore(DirectorySink):
    def accept(
        self, partner_id: str, filename: str, source: BinaryIO, transport_message_id: str
    ) -> str:
        message_id = super().accept(partner_id, filename, source, transport_message_id)
        if source.tell() > 1_000_000:
            os.kill(os.getpid(), signal.SIGKILL)
        return message_id


def _stall_mid_download() -> None:
    original = paramiko.SFTPClient.getfo

    def getfo(
        self: paramiko.SFTPClient,
        remotepath: str,
        fl: Any,
        callback: Callable[[int, int], object] | None = None,
        **options: Any,
    ) -> int:
        def progress(done: int, total: int) -> None:
            if total > 1_000_000 and done >= total // 4:
                print("downloading", flush=True)
                time.sleep(60)

        return original(self, remotepath, fl, callback=progress, **options)

    paramiko.SFTPClient.getfo = getfo  # type: ignore[method-assign,assignment]


def main() -> None:
    spec = json.loads(sys.argv[1])
    mode = spec.pop("mode")
    folder = Path(spec.pop("sink"))
    spec["private_key_path"] = Path(spec["private_key_path"])
    sink = _DieAfterStore(folder) if mode == "die-after-store" else DirectorySink(folder)
    if mode == "stall":
        _stall_mid_download()
    result = poll(RemoteServer(**spec), "acme-supply", sink)
    print(json.dumps([fetched.message_id for fetched in result.fetched]), flush=True)


if __name__ == "__main__":
    main()
