"""The gateway's own concepts: errors, issues, control numbers. No I/O, standard library only."""
