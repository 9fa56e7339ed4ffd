"""Reading the site's HTML in tests."""

ORIGIN = "http://testserver"  # Django's test client host: pages print absolute links (their data's URLs)


def site_html(response) -> str:
    """A page's HTML with the test server's origin taken off its links, so they read as paths."""
    return response.content.decode().replace(ORIGIN, "")
