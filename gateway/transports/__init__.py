"""Adapters for the ``OutboundTransport`` port that need no package of their own (HTTP).
AS2 and SFTP live in ``as2/`` and ``sftp/``."""
