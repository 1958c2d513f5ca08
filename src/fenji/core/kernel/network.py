"""Where a request comes from, for rules that depend on it (等保 8.1.4.4 c: administrators' terminals)."""

import ipaddress

from django.conf import settings


def from_admin_network(request) -> bool:
    """True when FENJI_ADMIN_NETWORKS is unset or the client address lies in one of its networks."""
    networks = settings.ADMIN_NETWORKS
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in networks)
