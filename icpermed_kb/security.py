"""The client address that login throttling counts, whether or not a TLS proxy stands in front."""

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR; behind our TLS proxy, the address the proxy appended last to X-Forwarded-For.

    Only the last entry is trusted: earlier ones are whatever the client chose to send.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")
