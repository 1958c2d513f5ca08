"""The client address behind nginx: believed only from a trusted proxy, never chosen by the client."""

import ipaddress

import pytest
from django.test import RequestFactory

from fenji.core.kernel.network import client_address, from_admin_network


def request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.9.0.0/24")]
    settings.ADMIN_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    settings.ADMIN_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]
    spoofed = request("203.0.113.7", "10.20.1.1")
    assert client_address(spoofed) == "203.0.113.7"
    assert not from_admin_network(spoofed)


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(behind_nginx):
    assert client_address(request("127.0.0.1", "10.20.1.1")) == "10.20.1.1"
    assert client_address(request("127.0.0.1", "10.20.1.1, 10.9.0.5")) == "10.20.1.1"
    assert from_admin_network(request("127.0.0.1", "10.20.1.1"))


def test_a_client_cannot_prepend_an_admin_address(behind_nginx):
    # The client sent "X-Forwarded-For: 10.20.1.1"; nginx appended the real address.
    forged = request("127.0.0.1", "10.20.1.1, 198.51.100.4")
    assert client_address(forged) == "198.51.100.4"
    assert not from_admin_network(forged)


def test_a_header_from_an_untrusted_peer_or_a_garbled_hop_is_not_believed(behind_nginx):
    assert client_address(request("198.51.100.4", "10.20.1.1")) == "198.51.100.4"
    assert client_address(request("127.0.0.1", "not-an-address")) == "127.0.0.1"
    assert client_address(request("127.0.0.1")) == "127.0.0.1"


def test_a_dual_stack_peer_is_read_as_its_ipv4_address(behind_nginx):
    assert client_address(request("::ffff:127.0.0.1", "10.20.1.1")) == "10.20.1.1"
    assert client_address(request("::ffff:198.51.100.4")) == "198.51.100.4"
