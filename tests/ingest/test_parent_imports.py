"""The ingesting process itself stays light: PyMuPDF and the parser's data load only in the reader's child."""

import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpermed_kb.settings")
import django
django.setup()
from django.core.management import load_command_class
load_command_class("icpermed_kb", "ingest_report")
print(sorted(name for name in ("pymupdf", "fitz", "spellchecker", "pycountry", "countryinfo", "countrystatecity_countries") if name in sys.modules))
"""


def test_the_ingest_command_imports_no_reader_in_the_parent():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
