"""The private-address guard: public addresses only, whatever the spelling, the DNS answer,
the redirect, or a DNS answer that changes between check and connect."""

import ipaddress

import pytest

from ingest import guard
from ingest.fetch import FetchError, fetch


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 wrapping 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 wrapping 10.0.0.1
        "2001:db8::1",
    ],
)
def test_it_refuses_non_public_addresses(address):
    assert guard.address_allowed(ipaddress.ip_address(address)) is False


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_it_allows_public_addresses(address):
    assert guard.address_allowed(ipaddress.ip_address(address)) is True


@pytest.mark.parametrize(
    "host, expected",
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("[::1]", "::1"),
        ("[::ffff:7f00:1]", "::ffff:7f00:1"),
        ("example.org", None),
        ("1.2.3.example", None),
    ],
)
def test_it_reads_every_spelling_of_an_ip_literal(host, expected):
    literal = guard.ip_literal(host)
    assert (str(literal) if literal else None) == expected


@pytest.mark.parametrize("host", ["2130706433", "0177.0.0.1", "0x7f000001", "[::1]", "127.1"])
def test_it_refuses_loopback_in_any_spelling_without_asking_dns(settings, monkeypatch, host):
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
    monkeypatch.setattr(guard, "resolver", _never_called)
    with pytest.raises(guard.BlockedAddress):
        guard.resolve_checked(host, 80)


def _never_called(host, port):
    raise AssertionError("an IP literal must not go to DNS")


@pytest.mark.parametrize(
    "answer", ["10.0.0.7", "192.168.0.10", "169.254.169.254", "::1", "fc00::5", "127.0.0.1"]
)
def test_it_refuses_names_that_resolve_to_private_addresses(settings, monkeypatch, answer):
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
    monkeypatch.setattr(guard, "resolver", lambda host, port: [answer])
    with pytest.raises(guard.BlockedAddress, match="not a public address"):
        guard.resolve_checked("intranet.example", 443)


def test_one_private_answer_among_public_ones_refuses_the_host(settings, monkeypatch):
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
    monkeypatch.setattr(guard, "resolver", lambda host, port: ["93.184.216.34", "10.0.0.1"])
    with pytest.raises(guard.BlockedAddress):
        guard.resolve_checked("mixed.example", 80)


def test_fetching_a_name_that_resolves_privately_records_a_refusal(settings, monkeypatch):
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
    monkeypatch.setattr(guard, "resolver", lambda host, port: ["10.0.0.7"])
    with pytest.raises(FetchError) as raised:
        fetch("http://intranet.example/secrets")
    assert raised.value.reason == "refused address"
    assert not raised.value.retryable


def test_the_setting_allows_loopback_for_local_demos(settings):
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = True
    assert guard.resolve_checked("127.0.0.1", 80) == "127.0.0.1"


@pytest.mark.parametrize(
    "target",
    [
        "http://metadata.internal/latest/meta-data/",  # resolves to 169.254.169.254
        "http://127.0.0.2:{port}/admin",
        "http://[::1]:{port}/admin",
        "http://2130706434:{port}/admin",  # 127.0.0.2
    ],
)
def test_a_redirect_to_a_private_address_is_refused(
    site, loopback_counts_as_public, monkeypatch, target
):
    monkeypatch.setattr(guard, "resolver", lambda host, port: ["169.254.169.254"])
    url = site.add("/moved", b"", status=302, headers={"Location": target.format(port=site.port)})
    with pytest.raises(FetchError) as raised:
        fetch(url)
    assert raised.value.reason == "refused address"
    assert site.hits["/moved"] == 1


def test_it_connects_to_the_address_it_checked_not_a_second_dns_answer(
    site, loopback_counts_as_public, monkeypatch
):
    # First answer: the "public" 127.0.0.1 where the site is; any later answer: 127.0.0.2,
    # a loopback address nothing listens on. Re-resolving at connect time would fail.
    answers = iter([["127.0.0.1"]])
    calls = []

    def rebinding_resolver(host, port):
        calls.append(host)
        return next(answers, ["127.0.0.2"])

    monkeypatch.setattr(guard, "resolver", rebinding_resolver)
    site.add_article("/story", "A story", ["Some text about North Korea and Russia."])
    fetched = fetch(f"http://news.example:{site.port}/story")
    assert fetched.status == 200
    assert calls == ["news.example"]
    assert site.last_headers["/story"]["Host"] == f"news.example:{site.port}"
