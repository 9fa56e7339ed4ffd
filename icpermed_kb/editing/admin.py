"""The admin's editing machinery, shared by every app's admin module.

- `EditableAdmin` (a SimpleHistoryAdmin: history per object with a diff, and revert) marks what an
  editor changed (`edited_fields`, `edited_by`, `edited_at`) so ingestion keeps it, records a
  tombstone for every item an editor deletes so ingestion never brings it back, and turns a lost
  race into a clear message instead of an overwrite.
- `EditableForm` carries the row's `version` as it was when the form was opened; a save from a
  form opened before someone else's save is refused with who changed the item and when.
- Fields that identify an item across ingestions (its chapter, position, role…) are shown fixed
  once the item exists: changing them would make the next ingestion see a different item.
- Themes are edited as checkboxes of the curated vocabulary; themes editors add are saved with
  `by_rule=False`, and once an editor changes an item's themes the ingestion rules leave them be.
- `WritesTakeTurns`: every admin write (save, delete, action, revert) runs in an editor's turn
  (icpermed_kb/write_turns.py), so it waits while an ingestion writes — at most EDIT_WAIT_SECONDS —
  and then says so instead of failing: the change form comes back with what the editor typed.
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db import router
from django.forms.models import BaseInlineFormSet, ModelChoiceIterator
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from taggit.managers import TaggableManager

from icpermed_kb.models import Theme, Tombstone, data_version
from icpermed_kb.models import editable as editing
from icpermed_kb.write_turns import WriterBusy, editor_turn

from .word_diff import is_text, word_diff

# --- form fields -----------------------------------------------------------------------------


class ThemesByGroup(ModelChoiceIterator):
    """The vocabulary's themes under their group's name (topics, then disease areas), each group in vocabulary order."""

    LEGENDS = {Theme.TOPIC: "Topics", Theme.DISEASE: "Disease areas"}

    def __iter__(self):
        groups: dict[str, list] = {key: [] for key, _ in Theme.GROUPS}
        for theme in self.queryset:  # one query, as for the ungrouped list
            groups.setdefault(theme.group, []).append(self.choice(theme))
        for key, choices in groups.items():
            if choices:
                yield self.LEGENDS.get(key, key), choices


class ThemeCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in one fieldset per theme group (icpermed_kb/templates/editing/widgets/)."""

    template_name = "editing/widgets/themes_by_group.html"


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    """The item's themes, as checkboxes of the curated vocabulary (no free-text tags), grouped."""

    widget = ThemeCheckboxes
    iterator = ThemesByGroup

    def __init__(self, **kwargs):
        kwargs.update(
            label="Themes",
            required=False,
            help_text="Themes you add or remove here are kept: later ingestions no longer change this item's themes.",
        )
        super().__init__(queryset=Theme.objects.order_by("order", "name"), **kwargs)


class ParagraphsField(forms.CharField):
    """A JSON list of paragraphs, edited as plain text with a blank line between paragraphs."""

    widget = forms.Textarea(attrs={"rows": 12, "cols": 90})

    def __init__(self, **kwargs):
        for key in ("encoder", "decoder", "max_length"):
            kwargs.pop(key, None)
        kwargs["required"] = False
        kwargs.setdefault("help_text", "One paragraph per block; leave a blank line between paragraphs.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text) if part.strip()]

    def has_changed(self, initial, data):
        return (initial or []) != self.to_python(data)


class FixedValue(forms.Widget):
    """Shows the value of a field that identifies the item; nothing is posted for it."""

    def __init__(self, label: str):
        super().__init__()
        self.label = label

    def render(self, name, value, attrs=None, renderer=None):
        return format_html('<span class="readonly">{}</span>', self.label)


# --- the form ---------------------------------------------------------------------------------


def who_and_when(instance) -> str:
    """ "alice on 28 Nov 2026, 14:03" from the row's latest history entry ("the ingestion" if no user)."""
    record = instance.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    if record is None:
        return "someone else"
    who = record.history_user.get_username() if record.history_user else "the ingestion"
    when = formats.date_format(timezone.localtime(record.history_date), "j M Y, H:i:s")
    return f"{who} on {when}"


def conflict_message(instance) -> str:
    name = instance._meta.verbose_name
    return (
        f"This {name} was changed by {who_and_when(instance)} since you opened it, so your changes were "
        f"not saved (nothing was overwritten). Reload the page to see the current version, then make "
        f"your changes again."
    )


class EditableForm(forms.ModelForm):
    """A model form that carries the row's version and fixes the fields that identify the item."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    key_fields: tuple[str, ...] = ()
    # The main form is checked even when unchanged (it is what the editor submits, and a revert
    # starts from a history row); an inline row only when it changed.
    always_check_version = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        self.fields["version"].initial = self.instance.version
        for name in self.key_fields:
            if name in self.fields:
                field = self.fields[name]
                field.disabled = True
                field.required = False
                field.help_text = "Identifies the item across ingestions, so it is fixed once the item exists."
                field.widget = FixedValue(self._display(name))

    def _display(self, name: str) -> str:
        model_field = self.instance._meta.get_field(name)
        if model_field.choices:
            return getattr(self.instance, f"get_{name}_display")()
        return str(getattr(self.instance, name))

    # Set by the admin when this submission met a running ingestion: the form refuses, keeping the data.
    busy_message: str | None = None

    def clean(self):
        cleaned = super().clean()
        if self.busy_message:
            raise ValidationError(self.busy_message, code="busy")
        if self.instance.pk is None or self.instance._state.adding:
            return cleaned
        for name in self.key_fields:
            cleaned.pop(name, None)  # fixed: keep the instance's value
        if (self.always_check_version or self.has_changed()) and cleaned.get("version") != self.instance.version:
            raise ValidationError(conflict_message(self.instance), code="conflict")
        return cleaned


def edited_field_names(form: forms.ModelForm, current) -> list[str]:
    """The fields this save changes: against the row as stored (so a revert counts too), plus themes."""
    instance = form.instance
    names = []
    for name in form.fields:
        if name == "version" or name in getattr(form, "key_fields", ()):
            continue
        if name == "themes":
            if "themes" in form.changed_data:
                names.append(name)
            continue
        try:
            model_field = instance._meta.get_field(name)
        except Exception:  # a form-only field
            continue
        if not model_field.concrete or model_field.primary_key:
            continue
        if current is None:
            names.append(name)
        elif model_field.value_from_object(current) != model_field.value_from_object(instance):
            names.append(name)
    return names


def theme_change_reason(form: forms.ModelForm) -> str:
    before = {theme.name for theme in form.initial.get("themes") or []}
    after = {theme.name for theme in form.cleaned_data.get("themes") or []}
    parts = [f"+{name}" for name in sorted(after - before)] + [f"−{name}" for name in sorted(before - after)]
    return "Themes: " + ", ".join(parts) if parts else ""


# --- the admin --------------------------------------------------------------------------------


class WordDiffContextHelper(HistoricalRecordContextHelper):
    """A history entry's changes; a changed text (or list of paragraphs) also word by word, as `words`."""

    def context_for_delta_changes(self, delta):
        context = super().context_for_delta_changes(delta)
        for entry, change in zip(context, delta.changes, strict=True):
            if is_text(change.old) and is_text(change.new) and change.old and change.new:
                entry["words"] = word_diff(change.old, change.new)
        return context


class EditedFilter(admin.SimpleListFilter):
    title = "edited in the admin"
    parameter_name = "edited"

    def lookups(self, request, model_admin):
        return [("yes", "Edited"), ("no", "Not edited")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(edited_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(edited_at__isnull=True)
        return queryset


class ThemeFilter(admin.SimpleListFilter):
    title = "theme"
    parameter_name = "theme"

    def lookups(self, request, model_admin):
        return list(Theme.objects.order_by("order", "name").values_list("slug", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(themes__slug=self.value())
        return queryset


class Columns:
    """Changelist and change-form columns shared by the editable admins (no queries of their own)."""

    @staticmethod
    def report_of(obj):
        """The report an item belongs to (a session's own, or its session's: select_related them)."""
        return obj.session.report if hasattr(obj, "session_id") else obj.report

    @admin.display(description="report page", ordering="page")
    def report_page(self, obj):
        if obj is None or not obj.page or obj.pk is None:
            return "—"
        pdf = reverse("report-pdf", args=[self.report_of(obj).slug])
        return format_html('<a href="{}#page={}" target="_blank">p. {}</a>', pdf, obj.page, obj.page)

    @admin.display(description="report")
    def report_label(self, obj):
        report = self.report_of(obj)
        return f"{report.start_date.year} · {report.place.split(',')[0]}"

    @admin.display(description="session", ordering="session__order")
    def place(self, obj):
        """Report and session in one short column: "2023 · Siena · V" (a line may break before the session only)."""
        return f"{self.report_label(obj).replace(' ', chr(0xA0))} · {obj.session.number}"

    @admin.display(description="links")
    def links(self, obj):
        """The item's page in the report PDF and its public page, in one narrow column."""
        return format_html("{} · {}", self.report_page(obj), self.public_page(obj))

    @admin.display(description="public page")
    def public_page(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        try:
            url = obj.get_absolute_url()
        except NoReverseMatch:
            return "—"
        return format_html('<a href="{}">view</a>', url)

    @admin.display(description="edited", ordering="edited_at")
    def edit_marks(self, obj):
        if obj is None or obj.edited_at is None:
            return "—"
        by = obj.edited_by.get_username() if obj.edited_by_id else "(deleted user)"
        fields = ", ".join(obj.edited_fields) or "no field"
        return f"{fields} — {by}, {formats.date_format(timezone.localtime(obj.edited_at), 'j M Y')}"

    @admin.display(description="themes")
    def theme_names(self, obj):
        return ", ".join(theme.name for theme in obj.themes.all())


def busy_message(waited: float) -> str:
    return (
        f"An ingestion is writing to the knowledge base (still after {waited:g} s), so your changes were not "
        f"saved yet. Nothing is lost: they are still in this form. Press Save again in a minute."
    )


class WritesTakeTurns:
    """Admin views that write run in an editor's turn: they wait while an ingestion writes, then say so.

    A save that still meets the ingestion after EDIT_WAIT_SECONDS comes back as its form, with the
    editor's input and a message; a delete, an action or a revert comes back to its page with a
    message. Nothing is written either way, and nothing answers 500.
    """

    WRITES = ("POST", "PUT", "PATCH", "DELETE")

    def in_turn(self, request, view, *args):
        with editor_turn(wait=settings.EDIT_WAIT_SECONDS, using=router.db_for_write(self.model)):
            return view(request, *args)

    def busy_redirect(self, request, busy: WriterBusy, what: str):
        self.message_user(
            request,
            f"An ingestion is writing to the knowledge base (still after {busy.waited:g} s), so {what}. "
            f"Nothing was changed: try again in a minute.",
            messages.ERROR,
        )
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method not in self.WRITES:
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            return self.in_turn(request, super().changeform_view, object_id, form_url, extra_context)
        except WriterBusy as busy:
            # Show the submitted form again, refused with the message (EditableForm.busy_message):
            # outside any transaction, and it writes nothing since the form is invalid.
            request._writer_busy = busy
            return self._changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method not in self.WRITES:
            return super().delete_view(request, object_id, extra_context)
        try:
            return self.in_turn(request, super().delete_view, object_id, extra_context)
        except WriterBusy as busy:
            return self.busy_redirect(request, busy, "the item was not deleted")

    def changelist_view(self, request, extra_context=None):
        if request.method not in self.WRITES:
            return super().changelist_view(request, extra_context)
        try:
            return self.in_turn(request, super().changelist_view, extra_context)
        except WriterBusy as busy:
            return self.busy_redirect(request, busy, "the action was not carried out")


class EditableMixin(Columns):
    """What the model admins and the inlines share: the form, the fixed key fields, the theme field."""

    form = EditableForm
    key_fields: tuple[str, ...] = ()
    formfield_overrides = {TaggableManager: {"form_class": ThemeChoiceField}}

    def get_fields(self, request, obj=None):
        # The form's hidden `version` is declared on EditableForm, not taken from the model.
        fields = list(super().get_fields(request, obj))
        return fields if "version" in fields else [*fields, "version"]

    def model_form_fields(self, request, obj, kwargs) -> list[str]:
        fields = kwargs.get("fields") or flatten_fieldsets(self.get_fieldsets(request, obj))
        return [name for name in fields if name != "version"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "paragraphs":
            return ParagraphsField(label=capfirst(db_field.verbose_name), **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class EditableAdmin(WritesTakeTurns, EditableMixin, SimpleHistoryAdmin):
    """A model admin that keeps editors' work (see the module docstring)."""

    list_per_page = 50
    actions = ["forget_edits"]
    object_history_list_template = "admin/history_list.html"
    readonly_fields = ("edit_marks",)

    # -- forms

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and getattr(request, "_reverting", False):
            # A revert form starts from a history row: carry the row's current version, not that one's.
            current = type(obj)._base_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
            obj.version = current if current is not None else 1
        kwargs["fields"] = self.model_form_fields(request, obj, kwargs)
        form = super().get_form(request, obj, change=change, **kwargs)
        form.key_fields = self.key_fields
        form.always_check_version = True
        busy = getattr(request, "_writer_busy", None)
        form.busy_message = busy_message(busy.waited) if busy else None
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except editing.EditConflict as conflict:  # lost a race past the form's check: nothing was saved
            self.message_user(request, conflict_message(conflict.instance), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request._reverting = True
        try:
            if request.method in self.WRITES:
                return self.in_turn(request, super().history_form_view, object_id, version_id, extra_context)
            # Showing the revert form writes nothing: no transaction, so on SQLite it does not wait for
            # the write lock (every transaction there takes it at BEGIN) while an ingestion writes.
            return super().history_form_view(request, object_id, version_id, extra_context)
        except WriterBusy as busy:
            return self.busy_redirect(request, busy, "the item was not reverted")
        except editing.EditConflict as conflict:
            self.message_user(request, conflict_message(conflict.instance), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def change_form_subtitle(self, obj) -> str:
        """The heading over an item's form, whole (an item's str() may be shortened): overridden per model."""
        return str(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["subtitle"] = self.change_form_subtitle(obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_historical_record_context_helper(self, request, historical_record):
        # Whole texts in the history's diff (key messages run to a few hundred characters).
        return WordDiffContextHelper(self.model, historical_record, max_displayed_delta_change_chars=5000)

    # -- saving

    def mark(self, request, obj, form, change: bool) -> list[str]:
        """Set the edit marks from what this form changes; returns the changed field names."""
        model = type(obj)
        current = model._base_manager.filter(pk=obj.pk).first() if change and obj.pk is not None else None
        names = edited_field_names(form, current)
        obj.edited_fields = sorted(set(current.edited_fields if current else []) | set(names))
        if names or current is None:
            obj.edited_by, obj.edited_at = request.user, timezone.now()
        else:
            obj.edited_by_id, obj.edited_at = current.edited_by_id, current.edited_at
        if "themes" in names:
            obj._change_reason = theme_change_reason(form)
        if current is None:  # added, or a deleted item brought back from its history: no longer deleted
            Tombstone.objects.filter(model=model._meta.label_lower, key=editing.natural_key(obj)).delete()
        return names

    def save_model(self, request, obj, form, change):
        changed = self.mark(request, obj, form, change)
        if change and not changed and type(obj)._base_manager.filter(pk=obj.pk).exists():
            return  # nothing to save: no new version, no empty history entry
        super().save_model(request, obj, form, change)

    def inline_defaults(self, parent, obj) -> None:
        """Fill what an inline row needs beyond its parent (overridden where needed)."""

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            self.bury(request, obj)
            obj.delete()
        for inline_form in formset.saved_forms:
            obj = inline_form.instance
            adding = obj._state.adding
            self.inline_defaults(form.instance, obj)
            if self.mark(request, obj, inline_form, not adding) or adding:
                obj._history_user = request.user
                obj.save()
        formset.save_m2m()

    # -- deleting

    def bury(self, request, obj) -> None:
        """Remember a deleted item by natural key, so ingestion never brings it back."""
        Tombstone.objects.update_or_create(
            model=obj._meta.label_lower,
            key=editing.natural_key(obj),
            defaults={"description": f"{capfirst(obj._meta.verbose_name)}: {obj}"[:300], "deleted_by": request.user},
        )

    def delete_model(self, request, obj):
        self.bury(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.bury(request, obj)
        super().delete_queryset(request, queryset)

    # -- actions

    @admin.action(description="Forget edits: let the next ingestion update the selected items again")
    def forget_edits(self, request, queryset):
        count = queryset.filter(edited_at__isnull=False).update(edited_fields=[], edited_by=None, edited_at=None)
        if count:
            data_version.bump()  # update() sends no signal; the next ingestion must not take its short cut
        self.message_user(request, f"{count} items will follow the report again at the next ingestion.")


class EditableInlineFormSet(BaseInlineFormSet):
    """Rows keep distinct positions: the unique constraints involve the session, which an inline
    under a talk does not show, so the model form cannot check them itself."""

    def clean(self):
        super().clean()
        if "order" not in getattr(self.form, "key_fields", ()):
            return
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            order = form.instance.order if form.instance.pk is not None else form.cleaned_data.get("order")
            if order is None:
                continue
            if order in seen:
                raise ValidationError(f"Two rows at position {order}: give each row its own position.")
            seen.add(order)


class EditableInline(EditableMixin, admin.TabularInline):
    formset = EditableInlineFormSet
    extra = 0
    show_change_link = True
    readonly_fields = ("report_page",)

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["fields"] = self.model_form_fields(request, obj, kwargs)
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.key_fields = self.key_fields
        return formset
