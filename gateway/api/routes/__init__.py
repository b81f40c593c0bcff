"""One router per resource (STYLE.md habit 14); ``gateway.api.app`` assembles them."""
