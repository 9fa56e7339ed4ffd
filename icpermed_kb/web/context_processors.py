from django.conf import settings

# The header's navigation: which entry a page belongs to, by the prefix of its URL name.
NAV_SECTIONS = {
    "home": "reports",
    "report": "reports",
    "session": "reports",
    "talk": "reports",
    "speaker": "speakers",
    "theme": "themes",
    "recommendation": "recommendations",
    "keymessage": "key-messages",
    "search": "search",
}


def project(request):
    """What every page's header and footer need: the current navigation section and the source link."""
    match = getattr(request, "resolver_match", None)
    url_name = (match.url_name or "") if match else ""
    section = next((name for prefix, name in NAV_SECTIONS.items() if url_name.startswith(prefix)), "")
    return {"source_code_url": settings.SOURCE_CODE_URL, "nav_section": section}
