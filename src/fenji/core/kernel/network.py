"""Where a request comes from, for rules that depend on it (等保 8.1.4.4 c: administrators' terminals;
throttles per client address)."""

import ipaddress

from django.conf import settings


def _parse(value: str):
    """An address, with an IPv4-mapped IPv6 one (``::ffff:127.0.0.1`` on a dual-stack socket) as IPv4."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address) -> bool:
    return address is not None and any(address in network for network in settings.TRUSTED_PROXIES)


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy (FENJI_TRUSTED_PROXIES) the right-most
    X-Forwarded-For hop that is not itself a trusted proxy. Hops left of it were written by the client and
    are never believed; an unparsable hop ends the walk there."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(_parse(remote)):
        return str(_parse(remote) or remote)
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break
        if not _trusted(address):
            return str(address)
    return str(_parse(remote))


def from_admin_network(request) -> bool:
    """True when FENJI_ADMIN_NETWORKS is unset or the client address lies in one of its networks."""
    networks = settings.ADMIN_NETWORKS
    if not networks:
        return True
    address = _parse(client_address(request))
    if address is None:
        return False
    return any(address in network for network in networks)
