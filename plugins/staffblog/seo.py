"""Search-engine metadata: absolute URLs and each article's JSON-LD.

Each article gets a schema.org ``BlogPosting`` with its authors as ``Person``.

The dict is stored on ``article.structured_data``; the theme serialises it with
Jinja's ``tojson`` (which escapes ``<``, ``>`` and ``&``).
"""

from markupsafe import Markup

from . import settings as plugin_settings


def plain_text(html):
    return " ".join(Markup(html).striptags().split())


def absolute(siteurl, path):
    return f"{siteurl}/{path}" if siteurl else f"/{path}"


def blog_posting(article, settings):
    siteurl = settings.get("SITEURL", "")
    url = absolute(siteurl, article.url)
    people = []
    for author in article.authors:
        person = {"@type": "Person", "name": author.name, "url": absolute(siteurl, author.url)}
        if getattr(author, "role", ""):
            person["jobTitle"] = author.role
        people.append(person)
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title,
        "description": plain_text(getattr(article, "description", "") or article.summary),
        "datePublished": article.date.isoformat(),
        "dateModified": getattr(article, "modified", article.date).isoformat(),
        "author": people,
        "publisher": {
            "@type": "Organization",
            "name": plugin_settings.get(settings, "STAFFBLOG_PUBLISHER") or settings["SITENAME"],
        },
        "inLanguage": article.lang,
    }
    if getattr(article, "category", None):
        data["articleSection"] = article.category.name
    if getattr(article, "tags", None):
        data["keywords"] = [tag.name for tag in article.tags]
    return data


def add_structured_data(article, settings):
    article.structured_data = blog_posting(article, settings)
    thread = getattr(article, "comment_thread", None)
    if thread is not None:
        article.structured_data["commentCount"] = thread.count
