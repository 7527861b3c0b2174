"""Author bios: multi-author posts, photos and links, and broken bio files."""

import pytest

from conftest import run_pelican

ARTICLE = """Title: Negotiating Your First Offer
Date: 2014-03-02
Authors: Barbara Feldman, Dana O'Neil
Category: Offers
Summary: Two recruiters on what to ask for.

Ask for the offer in writing.
"""

BIO = """Name: Dana O'Neil
Role: Technical Recruiter
Photo: images/dana.png
Email: dana@example.com
LinkedIn: https://www.linkedin.com/in/dana-example
Short: Dana places software engineers across New England.

Dana places **software engineers**. She has done so since 2009.
"""


@pytest.fixture
def two_author_site(content_copy, tmp_path):
    (content_copy / "articles" / "offer.md").write_text(ARTICLE)
    (content_copy / "authors" / "dana-oneil.md").write_text(BIO)
    (content_copy / "images").mkdir(exist_ok=True)
    (content_copy / "images" / "dana.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    build = run_pelican(content_copy, tmp_path / "out")
    assert build.returncode == 0, build.log
    return build


def test_multi_author_post_shows_a_box_per_author(two_author_site):
    page = two_author_site.html("blog/2014/03/02/negotiating-your-first-offer/")
    titles = [h.get_text(" ", strip=True) for h in page.select(".author-box h2")]
    assert titles == ["About Barbara Feldman", "About Dana O'Neil"]
    # A "Short:" line is the bio under posts; the author page keeps the whole bio.
    short = [p.get_text(" ", strip=True) for p in page.select(".author-box__bio")][1]
    assert short.startswith("Dana places software engineers across New England.")
    full = two_author_site.html("author/dana-oneil/").select_one(".author-profile__bio")
    assert "She has done so since 2009." in full.get_text()
    byline = page.select_one(".post-meta__authors").get_text(" ", strip=True)
    assert byline == "By Barbara Feldman and Dana O'Neil"
    people = [
        p["name"]
        for p in two_author_site.json_ld("blog/2014/03/02/negotiating-your-first-offer/")["author"]
    ]
    assert people == ["Barbara Feldman", "Dana O'Neil"]


def test_photo_and_links_replace_the_initials(two_author_site):
    page = two_author_site.html("author/dana-oneil/")
    photo = page.select_one("img.avatar")
    assert photo["src"].endswith("images/dana.png")
    assert photo["alt"] == "Photo of Dana O'Neil"
    assert (two_author_site.output / "images" / "dana.png").is_file()
    links = {a.get_text(" ", strip=True): a["href"] for a in page.select(".author-links a")}
    assert links == {
        "E-mail of Dana O'Neil": "mailto:dana@example.com",
        "LinkedIn of Dana O'Neil": "https://www.linkedin.com/in/dana-example",
    }
    assert page.select_one(".author-profile__bio strong").get_text() == "software engineers"
    team = [a.get_text() for a in two_author_site.html("authors/").select(".team-list__name a")]
    assert team == ["Barbara Feldman", "Dana O'Neil"]


@pytest.mark.parametrize(
    ("bio", "problem"),
    [
        ("Role: Nobody\n\nA bio with no name.\n", "has no 'Name:' line"),
        ("Name: Empty Bio\n", "has no text"),
        (
            "Name: Pic Less\nPhoto: images/missing.jpg\n\nText.\n",
            "Photo 'images/missing.jpg' is not a file under",
        ),
        (
            "Name: Barbara Feldman\n\nA second bio.\n",
            "Name 'Barbara Feldman' has the address /author/barbara-feldman/ of 'Barbara Feldman'",
        ),
    ],
)
def test_broken_bio_fails_the_build_with_its_path(content_copy, tmp_path, bio, problem):
    broken = content_copy / "authors" / "zz-broken.md"
    broken.write_text(bio)
    build = run_pelican(content_copy, tmp_path / "out")
    assert build.returncode != 0
    assert str(broken) in build.log
    assert problem in build.log
