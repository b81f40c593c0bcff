"""Build small X12 interchanges for tests, with correct envelopes unless told otherwise."""

from __future__ import annotations

from collections.abc import Sequence


def isa(
    control: str = "000000001",
    *,
    sender: str = "SENDER",
    receiver: str = "RECEIVER",
    version: str = "00401",
    ack_requested: str = "0",
    usage: str = "P",
    element: str = "*",
    component: str = ">",
    isa11: str | None = None,
) -> str:
    standards = isa11 if isa11 is not None else ("U" if version < "00402" else "^")
    fields = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        sender.ljust(15),
        "ZZ",
        receiver.ljust(15),
        "261128",
        "1200",
        standards,
        version,
        control,
        ack_requested,
        usage,
        component,
    ]
    return element.join(fields)


def interchange(
    groups: Sequence[tuple[str, str, Sequence[Sequence[str]]]],
    *,
    control: str = "000000001",
    terminator: str = "~\n",
    element: str = "*",
    iea_count: int | None = None,
    iea_control: str | None = None,
    **isa_options: str,
) -> bytes:
    """groups: (functional id, GS08 version, sets); each set is its body segments
    (without ST/SE) as strings using ``*``; ST/SE/GS/GE/IEA are added with right counts."""
    lines = [isa(control, element=element, **isa_options)]
    set_number = 0
    for group_number, (functional_id, version, sets) in enumerate(groups, start=1):
        lines.append(f"GS*{functional_id}*SENDER*RECEIVER*20261128*1200*{group_number}*X*{version}")
        for body in sets:
            set_number += 1
            set_id = body[0]
            number = f"{set_number:04d}"
            segments = [f"ST*{set_id}*{number}", *body[1:]]
            lines.extend(segments)
            lines.append(f"SE*{len(segments) + 1}*{number}")
        lines.append(f"GE*{len(sets)}*{group_number}")
    count = len(groups) if iea_count is None else iea_count
    lines.append(f"IEA*{count}*{iea_control or control}")
    text = terminator.join(
        line.replace("*", element) if not line.startswith("ISA") else line for line in lines
    )
    return (text + terminator).encode("latin-1")


MINIMAL_850 = (
    "850",
    "BEG*00*SA*PO1001**20261128",
    "PO1*1*10*EA*9.5**VP*WIDGET-1",
    "CTT*1",
)
