"""The fault table: one row per fault, printed at the end of the session and written to
``bench/out/faults.md`` (git-ignored) for docs/reliability.md to quote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "bench" / "out" / "faults.md"
HEADER = (
    "fault",
    "sent",
    "acknowledged",
    "refused tries",
    "unclear",
    "delivered",
    "duplicates",
    "lost",
    "recovery s",
)


@dataclass(frozen=True, slots=True)
class Row:
    fault: str
    sent: int
    acknowledged: int
    refused: int  # attempts answered with an error the sender acted on (it sent again)
    unclear: int  # attempts answered with neither an acknowledgement nor an error
    delivered: int  # documents with an ERP record
    duplicates: int  # ERP records beyond one per document
    lost: int  # acknowledged, but not in the store or not in the ERP after recovery
    recovery: float  # seconds from the last send to the last acknowledged one delivered
    refusals: str = ""  # what the senders were told, most frequent first

    def cells(self) -> tuple[str, ...]:
        return (
            self.fault, str(self.sent), str(self.acknowledged), str(self.refused),
            str(self.unclear), str(self.delivered), str(self.duplicates), str(self.lost),
            f"{self.recovery:.1f}",
        )  # fmt: skip


ROWS: list[Row] = []


def table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    notes = [f"- {row.fault}: {row.refusals}" for row in rows if row.refusals]
    if notes:
        lines += ["", "What refused senders were told (transport: answer × tries):", *notes]
    return "\n".join(lines)


def write(rows: list[Row]) -> Path:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    OUT.write_text(f"# Fault injection, {stamp}\n\n{table(rows)}\n")
    return OUT
