"""Brute-force protection of the admin login (django-axes): a lockout per username and client address,
a bounded number of rows, and X-Forwarded-For believed only from the configured proxies."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model

LOGIN = "/admin/login/?next=/admin/"


def attempt(client, password: str, address: str = "203.0.113.7", username: str = "alice", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def test_ten_failures_lock_the_username_out_at_that_address_even_with_the_right_password(client, editor):
    assert settings.AXES_FAILURE_LIMIT == 10
    for _ in range(9):
        assert attempt(client, "wrong").status_code == 200  # the form again, with its error
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    right = attempt(client, "a-long-test-password")
    assert (right.status_code, "_auth_user_id" in client.session) == (429, False)


def test_another_address_is_not_locked_out(client, editor):
    for _ in range(10):
        attempt(client, "wrong")
    response = attempt(client, "a-long-test-password", address="198.51.100.20")
    assert (response.status_code, response["Location"], client.session["_auth_user_id"]) == (302, "/admin/", str(editor.pk))


def test_another_editor_at_the_same_address_is_not_locked_out(client, editor, second_editor):
    """Colleagues behind one office address: someone else's failures do not lock them out."""
    for _ in range(12):
        attempt(client, "wrong")
    response = attempt(client, "another-long-test-password", username="bob")
    assert (response.status_code, client.session["_auth_user_id"]) == (302, str(second_editor.pk))


def test_the_lockout_ends_after_the_cool_off(client, editor):
    for _ in range(10):
        attempt(client, "wrong")
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1, minutes=1))
    response = attempt(client, "a-long-test-password")
    assert response.status_code == 302


def test_a_success_clears_the_count(client, editor):
    for _ in range(9):
        attempt(client, "wrong")
    assert attempt(client, "a-long-test-password").status_code == 302
    client.logout()
    for _ in range(9):
        assert attempt(client, "wrong").status_code == 200


def test_failures_while_locked_out_write_nothing(client, editor):
    """150 tries, each with its own User-Agent (axes keeps a row per agent): ten rows, then nothing
    changes — no new row, no longer cool-off — however many tries follow."""
    statuses = []
    snapshot = None
    for n in range(150):
        statuses.append(attempt(client, "wrong", HTTP_USER_AGENT=f"agent {n}").status_code)
        if n == 9:
            snapshot = list(AccessAttempt.objects.order_by("pk").values())
    assert statuses == [200] * 9 + [429] * 141
    assert len(snapshot) == 10
    assert list(AccessAttempt.objects.order_by("pk").values()) == snapshot


def test_usernames_tried_at_one_address_are_locked_out_one_by_one(client, editor):
    get_user_model().objects.create_user("carol", password="a-third-long-password")
    for name in ("alice", "carol"):
        assert [attempt(client, "wrong", username=name).status_code for _ in range(11)] == [200] * 9 + [429] * 2
    assert AccessAttempt.objects.count() == 2  # one row per username and address, however many tries


# X-Forwarded-For: believed only from a proxy listed in TRUSTED_PROXIES (DJANGO_TRUSTED_PROXIES).


@pytest.fixture
def behind_a_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["10.0.0.2", "192.168.7.0/24"]


def test_a_client_that_reaches_the_server_directly_cannot_rotate_x_forwarded_for(client, editor, behind_a_proxy):
    statuses = [
        attempt(client, "wrong", address="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(12)
    ]
    assert statuses == [200] * 9 + [429] * 3
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_through_a_trusted_proxy_each_client_counts_on_its_own(client, editor, behind_a_proxy):
    for _ in range(10):
        attempt(client, "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert attempt(client, "a-long-test-password", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429
    other = attempt(client, "a-long-test-password", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.10")
    assert other.status_code == 302


@pytest.mark.parametrize(
    "remote, forwarded, expected",
    [
        ("10.0.0.2", "198.51.100.9", "198.51.100.9"),  # the trusted proxy says who connected to it
        ("10.0.0.2", "6.6.6.6, 198.51.100.9", "198.51.100.9"),  # what the client itself wrote in front is not believed
        ("10.0.0.2", "6.6.6.6, 198.51.100.9, 192.168.7.4", "198.51.100.9"),  # two trusted proxies in a row
        ("10.0.0.2", "192.168.7.4, 10.0.0.2", "192.168.7.4"),  # only proxies: the farthest one
        ("10.0.0.2", "", "10.0.0.2"),  # a trusted proxy that added nothing
        ("10.0.0.2", "not-an-address, 198.51.100.9", "198.51.100.9"),
        ("10.0.0.2", "198.51.100.9, not-an-address", "10.0.0.2"),  # garbage from the proxy side: the proxy itself
        ("10.0.0.2", " 2001:db8::7 ", "2001:db8::7"),
        ("198.51.100.7", "6.6.6.6", "198.51.100.7"),  # not a proxy: its own address, whatever it sends
        ("192.168.8.1", "6.6.6.6", "192.168.8.1"),  # outside the trusted network
    ],
)
def test_the_client_address_is_the_last_one_before_the_trusted_proxies(rf, behind_a_proxy, remote, forwarded, expected):
    from icpermed_kb.security import client_ip

    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)) == expected


def test_without_trusted_proxies_x_forwarded_for_is_never_believed(rf, settings):
    from icpermed_kb.security import client_ip

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = []
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.9", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
