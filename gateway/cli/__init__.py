"""The ``crossdock`` command line (SPEC §7): an entrypoint, like the API and the workers."""
