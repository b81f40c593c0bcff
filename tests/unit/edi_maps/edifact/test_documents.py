"""The rows EDIFACT maps read: the shortcut for plain segments (two splits) gives
what the general way (split_segment, then decode every value) gives, whatever the
segment, service characters and character set."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from edi_maps.edifact.documents import general_row, message_rows
from edi_maps.edifact.segments import Segment
from edi_maps.edifact.service import ServiceChars

_CHARS = st.sampled_from(
    [
        ServiceChars(),
        ServiceChars(release=None),
        ServiceChars(repetition="*"),
        ServiceChars(release=None, repetition=None),
        ServiceChars.level_b(),
        ServiceChars(component="|", element="^", release="!", repetition="~", segment="'"),
    ]
)
# Text made of the service characters of every set above, letters, digits and
# non-ASCII (ISO-8859-1 readings of UTF-8 and of Latin-1 bytes).
_TEXT = st.text(alphabet="+:?*'|^!~\x1c\x1d\x1f AZaz09.,-é\u00c3\u00a9\u00ff", max_size=40)
_SYNTAX = st.sampled_from(["UNOA", "UNOB", "UNOC", "UNOW", "UNOY", "XXXX"])


@settings(max_examples=500)
@given(_CHARS, st.lists(_TEXT, min_size=1, max_size=4), _SYNTAX)
def test_plain_segments_read_as_the_general_way_reads_them(
    chars: ServiceChars, texts: list[str], syntax: str
) -> None:
    segments = [Segment(tag="X", text="FTX" + chars.element + text, offset=0) for text in texts]
    assert message_rows(segments, chars, syntax) == [
        general_row(segment.text, chars, syntax) for segment in segments
    ]
