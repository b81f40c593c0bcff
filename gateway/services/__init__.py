"""Use cases of the gateway: each takes ports (unit of work, payload store, clock…)
and does one job from start to end."""
