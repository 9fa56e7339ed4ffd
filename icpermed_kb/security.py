"""The client address that login throttling counts: X-Forwarded-For is believed only from trusted proxies."""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.core import checks

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def trusted_proxy(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str | None:
    """REMOTE_ADDR; when that is a trusted proxy, the last X-Forwarded-For entry not itself a trusted proxy.

    Each proxy appends the address that connected to it, so reading from the right, entries are
    believed while they come from trusted proxies; the first one that is not a proxy is the client.
    Anything further left was written by the client and is never believed, and a client that is
    not a trusted proxy is counted by its own address, whatever it sends (settings.TRUSTED_PROXIES).
    """
    remote = request.META.get("REMOTE_ADDR")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    hop = _address(remote or "")
    if not trusted_proxy(hop, networks):
        return remote
    client = hop
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        if not entry.strip():
            continue
        address = _address(entry)
        if address is None:  # not an address: believe nothing further left
            break
        client = address
        if not trusted_proxy(address, networks):
            break
    return str(client)


@checks.register(checks.Tags.security, deploy=True)
def check_trusted_proxies(app_configs=None, **kwargs):
    """Behind a TLS proxy with no trusted proxies, every client would be counted as the proxy's address."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not getattr(settings, "TRUSTED_PROXIES", None):
        return [
            checks.Warning(
                "DJANGO_BEHIND_TLS_PROXY is on but DJANGO_TRUSTED_PROXIES is empty: X-Forwarded-For is not "
                "believed, so login throttling counts every client as the proxy's address.",
                hint="Set DJANGO_TRUSTED_PROXIES to the proxy's address, e.g. 127.0.0.1 for a proxy on this host.",
                id="icpermed_kb.W001",
            )
        ]
    return []
