"""Django's `reverse()`, remembered: the models' permalinks are asked for hundreds of times a page.

A page names each item's URL, and its session's, report's, speaker's and themes' URLs, once per
item: 200 reverses for a talk page of 20 key messages, 5,000 for a session's page, most of them
the same few. Django's reverse costs ~15 µs each (language, URL-conf and script-prefix lookups,
then matching the candidates); a dictionary lookup costs well under one. The answer depends only
on the URL configuration and the script prefix, so both are part of the key, and the cache is
emptied when a test changes ROOT_URLCONF (Django empties its own URL caches then too).
"""

from __future__ import annotations

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse

ENTRIES = 50_000  # distinct URLs kept: every item of a large knowledge base, a few MB


@functools.lru_cache(maxsize=ENTRIES)
def _reverse(viewname: str, args: tuple, prefix: str, urlconf) -> str:
    return django_reverse(viewname, urlconf=urlconf, args=args)


def reverse(viewname: str, *args) -> str:
    """reverse(viewname, args=args), from the cache when asked before under the same URL configuration and prefix."""
    return _reverse(viewname, args, get_script_prefix(), get_urlconf())


@receiver(setting_changed)
def _forget_on_urlconf_change(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()
