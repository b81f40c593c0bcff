"""X12: streaming reader, envelope checks, validation against definitions, TA1/997/999."""
