"""Brute-force protection of the admin login (django-axes): a lockout per client address."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings

LOGIN = "/admin/login/?next=/admin/"


def attempt(client, password: str, address: str = "203.0.113.7"):
    return client.post(LOGIN, {"username": "alice", "password": password}, REMOTE_ADDR=address)


def test_ten_failures_lock_the_address_out_even_with_the_right_password(client, editor):
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


@pytest.mark.parametrize(
    "forwarded, remote, expected",
    [("198.51.100.9", "10.0.0.2", "198.51.100.9"), ("6.6.6.6, 198.51.100.9", "10.0.0.2", "198.51.100.9"), ("", "10.0.0.2", "10.0.0.2")],
)
def test_behind_the_tls_proxy_the_proxy_appended_address_counts(rf, settings, forwarded, remote, expected):
    from icpermed_kb.security import client_ip

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected
    settings.SECURE_PROXY_SSL_HEADER = None
    assert client_ip(request) == remote
