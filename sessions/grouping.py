"""Key messages grouped as the report prints them: by kind, then by sub-group, in report order."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class MessageGroup:
    label: str  # the sub-group heading as printed, or "" when the report has none
    messages: list = field(default_factory=list)


@dataclass
class KindSection:
    kind: str
    label: str
    groups: list[MessageGroup] = field(default_factory=list)


def group_messages(messages, kind_labels: dict[str, str]) -> list[KindSection]:
    """Consecutive runs of the same kind, and within them of the same group label, keeping report order."""
    sections: list[KindSection] = []
    for message in messages:
        if not sections or sections[-1].kind != message.kind:
            sections.append(KindSection(message.kind, kind_labels.get(message.kind, message.kind)))
        groups = sections[-1].groups
        if not groups or groups[-1].label != message.group:
            groups.append(MessageGroup(message.group))
        groups[-1].messages.append(message)
    return sections
