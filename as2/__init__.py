"""AS2 (RFC 4130): arrives with its issue."""
