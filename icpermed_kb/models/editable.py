"""Editors' work that ingestion must keep: edit marks, optimistic locking and natural keys.

Every model the loader writes and the admin edits inherits `Editable`:

- `edited_fields` names the fields an editor changed (plus "themes" when they changed the item's
  themes); the loader never overwrites those, and never deletes an edited item;
- `edited_by` / `edited_at` say who changed it last, and when;
- `version` goes up on every save. The admin form carries the version it was opened at and is
  refused when the row has moved on since (another editor, or an ingestion, saved it); `save()`
  itself bumps the version with a conditional UPDATE, so two saves that race past the form
  check cannot both win.

Deleted items are remembered by natural key (`core.Tombstone`), built here from plain values so
the loader can compute keys without queries; `natural_key(instance)` builds the same key from a
saved row, for the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

# The edit marks themselves stay out of the history: its user, date and diff already say it.
EDIT_MARKS = ["edited_fields", "edited_by", "edited_at", "version"]


def shorten(text: str, limit: int = 80) -> str:
    """`text` if it fits in `limit` characters, else its first whole words and "…", `limit` characters at most (a word is cut only if the first is too long)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]  # and the "…"
    if text[limit - 1] != " " and " " in head:  # the cut falls inside a word: leave that word out
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:–-") + "…"


class EditConflict(Exception):
    """A save lost the race: the row's version moved on after the form was checked."""

    def __init__(self, instance):
        super().__init__(f"{instance._meta.verbose_name} {instance.pk} was changed by someone else meanwhile")
        self.instance = instance


class Editable(models.Model):
    """Edit marks and a version for optimistic locking (see the module docstring)."""

    edited_fields = models.JSONField(
        default=list, blank=True, editable=False, help_text="Fields an editor changed: ingestion keeps them"
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Bump `version`, refusing (EditConflict) when the row is no longer at the version we hold."""
        if not self._state.adding and self.pk is not None and not kwargs.get("force_insert"):
            held = self.version
            bumped = type(self)._base_manager.filter(pk=self.pk, version=held).update(version=held + 1)
            if not bumped:
                if type(self)._base_manager.filter(pk=self.pk).exists():
                    raise EditConflict(self)
            else:
                self.version = held + 1
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None


# Natural keys: what identifies an item across ingestions (edition, chapter, position).


def report_key(series: str, number: int) -> str:
    return f"{series} {number}"


def session_key(report: str, number: str) -> str:
    return f"{report} / {number}"


def talk_key(session: str, order: int) -> str:
    return f"{session} / talk {order}"


def message_key(session: str, talk_order: int | None, order: int) -> str:
    if talk_order is None:
        return f"{session} / panel item {order}"
    return f"{talk_key(session, talk_order)} / message {order}"


def recommendation_key(session: str, order: int) -> str:
    return f"{session} / recommendation {order}"


def role_key(session: str, speaker_slug: str, role: str) -> str:
    return f"{session} / {speaker_slug} / {role}"


def natural_key(instance) -> str:
    """The key the loader would compute for this saved row (follows foreign keys: a few queries)."""
    label = instance._meta.label_lower
    if label == "workshop_sessions.report":
        return report_key(instance.series, instance.number)
    if label in ("speakers.speaker", "core.theme"):
        return instance.slug
    if label == "workshop_sessions.session":
        return session_key(natural_key(instance.report), instance.number)
    session = natural_key(instance.session)
    if label == "workshop_sessions.talk":
        return talk_key(session, instance.order)
    if label == "workshop_sessions.keymessage":
        return message_key(session, instance.talk.order if instance.talk_id else None, instance.order)
    if label == "recommendations.recommendation":
        return recommendation_key(session, instance.order)
    if label == "speakers.sessionrole":
        return role_key(session, instance.speaker.slug, instance.role)
    raise ValueError(f"no natural key for {label}")
