"""Stand-ins for the PDF reader, run by tests in the sandbox's child process.

The child imports this module by name (sandbox.PARSE_TARGET = "tests.ingest.child_hooks:sleep"),
so it imports nothing but the standard library (lose_a_paragraph imports the parser when it runs).
"""

import ctypes
import resource
import time


def sleep(data: bytes):
    time.sleep(3600)


def allocate(data: bytes):
    """Ask for far more than any test's memory cap, a megabyte at a time."""
    return [bytearray(2**20) for _ in range(100_000)]


def segfault(data: bytes):
    ctypes.string_at(0)  # reads address 0: SIGSEGV


def fail(data: bytes):
    return {}["a bug in the parser"]


def limits(data: bytes):
    return {name: resource.getrlimit(getattr(resource, name)) for name in ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_CORE")}


def lose_a_paragraph(data: bytes):
    """The real reader and parser, but one that forgets the first paragraph it meets (a parser bug)."""
    from icpermed_kb.ingest import parser
    from icpermed_kb.ingest.child import read_and_parse

    original = parser._Reader.paragraph
    forgotten = []

    def paragraph(self, text, block, session, talk):
        if not forgotten:
            forgotten.append(text)
            return  # neither stored nor taken
        original(self, text, block, session, talk)

    parser._Reader.paragraph = paragraph
    try:
        return read_and_parse(data)
    finally:
        parser._Reader.paragraph = original
