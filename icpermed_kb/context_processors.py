from django.conf import settings


def project(request):
    """What every page's footer needs: the source code link (AGPL-3.0)."""
    return {"source_code_url": settings.SOURCE_CODE_URL}
