"""The public pages: each view gathers one piece of data and returns it as a Page (icpermed_kb/web/pages.py)."""
