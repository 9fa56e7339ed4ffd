"""Orderings shared by the apps' QuerySets."""

# How items of several reports are listed: the newest report first, then in printed order
# (for any model with a `session`).
NEWEST_REPORT_FIRST = ("-session__report__start_date", "-session__report__number")
