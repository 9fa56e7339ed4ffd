"""Django's SQLite backend, with one feature probe that does not take the write lock.

settings.py starts every SQLite transaction with BEGIN IMMEDIATE (`transaction_mode`), so that
writers queue for the one write lock instead of failing. Django probes JSON support
(`supports_json_field`, asked by the system checks of every management command) inside a
transaction; under IMMEDIATE that probe waited for the write lock, and a command started during
an ingestion's write phase waited out the busy timeout and then reported "SQLite does not support
JSONFields". The probe needs no transaction: a failed SELECT changes nothing.
"""

from django.db import OperationalError
from django.db.backends.sqlite3 import base, features
from django.utils.functional import cached_property


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def supports_json_field(self):
        with self.connection.cursor() as cursor:
            try:
                cursor.execute("SELECT JSON('{\"a\": \"b\"}')")
            except OperationalError:
                return False
        return True


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
