"""TRUSTED_PROXIES: which address a request comes from, and the setting's forms."""

from __future__ import annotations

import ipaddress

import pytest
from flask import Flask, request

from argmap.web import proxies


def seen_address(trusted, peer: str, forwarded: str | None) -> str:
    """The address argmap sees for a request from `peer` carrying X-Forwarded-For."""
    app = Flask(__name__)
    app.config["TRUSTED_PROXIES"] = trusted
    app.get("/")(lambda: request.remote_addr)
    proxies.init_app(app)
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = peer
    return client.get("/", headers=headers).get_data(as_text=True)


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "seen"),
    [
        ("0", "10.0.0.5", "1.2.3.4", "10.0.0.5"),  # no proxy: the header is ignored
        ("1", "10.0.0.5", "1.2.3.4", "1.2.3.4"),
        ("1", "10.0.0.5", "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the sender's own header is not read
        ("2", "10.0.0.5", "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"),
        ("10.0.0.5", "10.0.0.5", "1.2.3.4", "1.2.3.4"),
        ("10.0.0.5", "10.0.0.6", "1.2.3.4", "10.0.0.6"),  # not from the proxy: ignored
        ("10.0.0.5", "10.0.0.5", "6.6.6.6, 1.2.3.4", "1.2.3.4"),
        ("10.0.0.0/24", "10.0.0.5", "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"),
        ("10.0.0.5", "10.0.0.5", "not an address", "10.0.0.5"),
        ("10.0.0.5", "10.0.0.5", None, "10.0.0.5"),
        (["10.0.0.5", "::1"], "::1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_x_forwarded_for_is_read_only_through_trusted_proxies(trusted, peer, forwarded, seen):
    assert seen_address(trusted, peer, forwarded) == seen


def test_the_setting_reads_a_number_or_addresses():
    assert proxies.parse("0") == 0
    assert proxies.parse(2) == 2
    assert proxies.parse(" 1 ") == 1
    assert proxies.parse("10.0.0.5, 10.1.0.0/16") == [
        ipaddress.ip_network("10.0.0.5/32"),
        ipaddress.ip_network("10.1.0.0/16"),
    ]


@pytest.mark.parametrize("bad", ["nginx", "10.0.0.300", "1, two"])
def test_a_wrong_setting_stops_the_start_with_what_to_give(bad):
    with pytest.raises(ValueError, match="TRUSTED_PROXIES: .*give a number of proxies"):
        proxies.parse(bad)


@pytest.mark.parametrize(
    ("address", "sender"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
    ],
)
def test_limits_count_an_ipv6_subscribers_whole_64_as_one_sender(app, address, sender):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": address}):
        assert proxies.sender() == sender
