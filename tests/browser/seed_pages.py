"""One page of each type the public site has, found in the seed (fixtures/seed.json)."""

from quotes.models import Source, Statement

WP_URL = (
    "https://www.washingtonpost.com/national-security/2024/11/19/biden-landmines-ukraine-russia/"
)

PAGE_TYPES = [
    "search",
    "search results",
    "search, nothing found",
    "statement",
    "speaker",
    "organization",
    "source",
    "outlet",
    "topic",
    "speaker index",
    "organization index",
    "outlet index",
    "topic index",
    "about",
    "not found",
]


def waves_of_troops() -> Statement:
    """The anonymous U.S. official's remark, printed by the Post and relayed from it."""
    return Statement.objects.get(text__contains="waves of troops")


def path_of(page_type: str) -> str:
    """The path of the seed's page of `page_type` (one of PAGE_TYPES)."""
    fixed = {
        "search": "/",
        "search results": "/?q=landmines",
        "search, nothing found": "/?q=peskovv+zebras",
        "speaker": "/speakers/dmitry-peskov/",
        "organization": "/organizations/kremlin/",
        "outlet": "/outlets/the-washington-post/",
        "topic": "/topics/antipersonnel-mines-decision/",
        "speaker index": "/speakers/",
        "organization index": "/organizations/",
        "outlet index": "/outlets/",
        "topic index": "/topics/",
        "about": "/about/",
        "not found": "/speakers/nobody-of-that-name/",
    }
    if page_type == "statement":
        return f"/statements/{waves_of_troops().pk}/"
    if page_type == "source":
        return f"/sources/{Source.objects.get(url=WP_URL).pk}/"
    return fixed[page_type]
