"""What the commands share: exit codes, input opening, writing to a closed pipe."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2


def open_input(path: str) -> BinaryIO:
    """The file at ``path``; ``-`` is standard input."""
    if path == "-":
        return sys.stdin.buffer
    return Path(path).open("rb")


def write_out(text: str) -> None:
    """Write to stdout; a reader that went away (``| head``) is not an error of ours."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def fail(message: str) -> int:
    """One line on stderr, exit status 2."""
    print(f"crossdock: {message}", file=sys.stderr)
    return EXIT_UNREADABLE
