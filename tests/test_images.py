"""Post images: an `Image:` line with its alt text, resized at build time into srcset widths."""

import io
import os
import re
import time
import urllib.parse

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from test_preview import HOME, Preview, edit, page_of, pages

from conftest import SEED_URL, run_pelican, run_publish

SEED_IMAGE = "images/2013/follow-up-note.jpg"
HOSTILE_ALT = "\"><script>alert(1)</script><img src=x onerror=alert(2)> & 'q'"
POST = """\
Title: {title}
Date: 2014-03-0{day}
Author: Barbara Feldman
Category: Interview Tips
{extra}
Some advice.
"""


def jpeg(size, **options):
    out = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(out, "JPEG", **options)
    return out.getvalue()


def image_files(build, page_url, img):
    """(file on disk, width descriptor) of every srcset entry, resolved from the page."""
    base = urllib.parse.urljoin("http://site/" + page_url, ".")
    entries = []
    for entry in img["srcset"].split(","):
        url, descriptor = entry.split()
        path = urllib.parse.urlsplit(urllib.parse.urljoin(base, url)).path.lstrip("/")
        entries.append((build.output / path, int(descriptor.removesuffix("w"))))
    return entries


def test_the_post_shows_its_image_in_every_width_above_the_fold(site):
    hero = site.html(SEED_URL).select_one(".post__header img.post__image")
    assert hero["alt"].startswith("A thank-you note beside its sealed envelope")
    assert hero.get("loading") is None and hero["decoding"] == "async"
    entries = image_files(site, SEED_URL, hero)
    assert [width for _path, width in entries] == [480, 800, 1200]
    for path, width in entries:
        with Image.open(path) as made:
            assert made.format == "WEBP" and made.width == width
    with Image.open(entries[-1][0]) as widest, Image.open(site.output / SEED_IMAGE) as original:
        assert (int(hero["width"]), int(hero["height"])) == widest.size
        assert abs(widest.width / widest.height - original.width / original.height) < 0.01
    assert hero["src"] == hero["srcset"].split(",")[-1].split()[0]
    assert "100vw" in hero["sizes"]


@pytest.mark.parametrize("listing", ["", "category/interview-tips/", "author/barbara-feldman/"])
def test_listing_cards_show_the_image_lazily_with_its_alt_text(site, listing):
    card = site.html(listing).select_one(".card img.card__image")
    assert card["loading"] == "lazy" and card["decoding"] == "async"
    assert card["alt"].startswith("A thank-you note beside its sealed envelope")
    for path, width in image_files(site, listing, card):
        with Image.open(path) as made:
            assert made.width == width


def test_problems_are_reported_and_the_post_builds_without_its_image(content_copy, tmp_path):
    articles = content_copy / "articles"
    (content_copy / "images" / "broken.jpg").write_bytes(b"not a picture at all")
    cases = {
        "no-alt.md": f"Image: {SEED_IMAGE}\n",
        "missing.md": "Image: images/nowhere.jpg\nImage-Alt: A desk\n",
        "broken.md": "Image: images/broken.jpg\nImage-Alt: A desk\n",
        "outside.md": "Image: ../../../etc/passwd\nImage-Alt: A desk\n",
        "two-problems.md": "Image: images/nowhere.jpg\n",
    }
    for day, (name, extra) in enumerate(cases.items(), 1):
        title = name.removesuffix(".md").title()
        (articles / name).write_text(POST.format(title=title, day=day, extra=extra))
    build = run_pelican(content_copy, tmp_path / "output")
    assert build.returncode == 1, build.log  # the site is built; the report lists the problems
    report = build.log[build.log.index("Problems found in this build:") :].splitlines()
    no_alt = (
        f"{content_copy}/articles/no-alt.md:5: Image 'images/2013/follow-up-note.jpg' has no "
        "alt text, so it was left out; add a line 'Image-Alt: what the picture shows'"
    )
    assert no_alt in report, report
    for name, image, problem in (
        ("missing", "images/nowhere.jpg", "is not a file under content/, so it was left out"),
        ("broken", "images/broken.jpg", "cannot be read (cannot identify image file"),
        ("outside", "../../../etc/passwd", "is not a file under content/, so it was left out"),
        ("two-problems", "images/nowhere.jpg", "has no alt text, so it was left out"),
        ("two-problems", "images/nowhere.jpg", "is not a file under content/, so it was left out"),
    ):
        where = f"{content_copy}/articles/{name}.md:5: Image '{image}' {problem}"
        assert any(line.startswith(where) for line in report), (where, report)
    for day, name in enumerate(cases, 1):
        slug = name.removesuffix(".md")
        page = build.html(f"blog/2014/03/0{day}/{slug}/")
        assert page.select("main img") == [], name
        assert page.find("meta", property="og:image")  # a drawn card instead
    # The seed post still has its image; a publish refuses the broken posts.
    assert build.html(SEED_URL).select_one("img.post__image")
    published = run_publish(content_copy, tmp_path / "public")
    assert published.returncode != 0
    assert no_alt in published.log.splitlines()


def test_a_small_image_is_never_upscaled_a_turned_photo_keeps_its_shape_alt_is_text(
    content_copy, tmp_path
):
    images = content_copy / "images"
    (images / "small.jpg").write_bytes(jpeg((300, 200)))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored on its side: shown 600 wide, 900 high
    (images / "turned.jpg").write_bytes(jpeg((900, 600), exif=exif))
    for day, name in enumerate(("small", "turned"), 1):
        extra = f"Image: images/{name}.jpg\nImage-Alt: {HOSTILE_ALT} {name}\n"
        (content_copy / "articles" / f"{name}.md").write_text(
            POST.format(title=name, day=day, extra=extra)
        )
    build = run_pelican(content_copy, tmp_path / "output")
    assert build.returncode == 0, build.log

    small_url, turned_url = "blog/2014/03/01/small/", "blog/2014/03/02/turned/"
    small = build.html(small_url).select_one("img.post__image")
    assert [w for _p, w in image_files(build, small_url, small)] == [300]
    assert (small["width"], small["height"]) == ("300", "200")
    turned = build.html(turned_url).select_one("img.post__image")
    assert turned["alt"] == f"{HOSTILE_ALT} turned"  # shown exactly as written, as text
    assert build.html(turned_url).find("script", string=re.compile("alert")) is None
    meta = build.html(turned_url).find("meta", property="og:image:alt")
    assert meta["content"] == f"{HOSTILE_ALT} turned"
    assert (turned["width"], turned["height"]) == ("600", "900")
    entries = image_files(build, turned_url, turned)
    assert [w for _p, w in entries] == [480, 600]
    with Image.open(entries[-1][0]) as widest:
        assert widest.size == (600, 900)


def test_the_devserver_shows_images_as_a_clean_build_does(tmp_path):
    site = Preview(tmp_path)
    article = site.articles[-1]  # the newest: on the home page
    photo = site.content / "images" / "desk.jpg"
    photo.parent.mkdir(exist_ok=True)
    photo.write_bytes(jpeg((1000, 600)))
    edit(article, "Title: ", "Image: images/desk.jpg\nImage-Alt: A desk by a window\nTitle: ")
    site.rebuild()
    site.assert_same_as_clean_build()

    with article.open("a", encoding="utf-8") as handle:
        handle.write("\nOne more sentence, added while previewing.\n")
    assert pages(site.rebuild()) == {page_of(article)}  # the listings keep their card image
    site.assert_same_as_clean_build()

    photo.write_bytes(jpeg((1000, 500)))  # another picture under the same name
    assert {page_of(article), HOME} <= pages(site.rebuild())
    site.assert_same_as_clean_build()
    home = BeautifulSoup((site.output / HOME).read_text(encoding="utf-8"), "html.parser")
    image = home.select_one("img.card__image")
    assert (image["width"], image["height"]) == ("1000", "500")
    for url in (entry.split()[0] for entry in image["srcset"].split(",")):
        assert (site.output / url.removeprefix("./")).is_file(), url


def test_a_transparent_picture_gets_a_white_card_and_keeps_its_transparency(content_copy, tmp_path):
    from test_social_cards import card_file, card_meta

    picture = Image.new("RGBA", (900, 600), (0, 0, 0, 0))  # clear, with a dark mark inside
    picture.paste((20, 20, 20, 255), (300, 200, 600, 400))
    out = io.BytesIO()
    picture.save(out, "PNG")
    (content_copy / "images" / "clear.png").write_bytes(out.getvalue())
    extra = "Image: images/clear.png\nImage-Alt: A dark square\n"
    post = POST.format(title="Clear", day=1, extra=extra)
    (content_copy / "articles" / "clear.md").write_text(post)
    build = run_pelican(content_copy, tmp_path / "output")
    assert build.returncode == 0, build.log
    page_url = "blog/2014/03/01/clear/"
    meta = card_meta(build.html(page_url))
    with Image.open(card_file(build, meta["og:image"], "http://127.0.0.1:8000")) as card:
        assert card.mode == "RGB" and min(card.getpixel((5, 5))) > 240  # white, not black
        assert max(card.getpixel((600, 315))) < 60  # the mark itself
    img = build.html(page_url).select_one("img.post__image")
    with Image.open(image_files(build, page_url, img)[0][0]) as resized:
        assert resized.mode == "RGBA" and resized.getpixel((0, 0))[3] == 0


def test_cached_files_unused_for_30_days_go_when_a_build_makes_new_ones(content_copy, tmp_path):
    first = run_pelican(content_copy, tmp_path / "first")
    assert first.returncode == 0, first.log
    cards = tmp_path / "cache" / "staffblog" / "images"
    in_use = sorted(cards.iterdir())
    forgotten = cards / ("0" * 32 + ".jpg")  # as a card of a post since deleted
    forgotten.write_bytes(in_use[0].read_bytes())
    long_ago = time.time() - 40 * 86400
    for path in [*in_use, forgotten]:
        os.utime(path, (long_ago, long_ago))

    again = run_pelican(content_copy, tmp_path / "again")  # nothing new: nothing removed
    assert again.returncode == 0, again.log
    assert forgotten.exists()

    page = next((content_copy / "pages").glob("*.md"))
    edit(page, "Title: ", "Title: Revised: ")  # a new card
    revised = run_pelican(content_copy, tmp_path / "revised")
    assert revised.returncode == 0, revised.log
    assert not forgotten.exists()
    assert all(path.exists() for path in in_use)  # each used by the last builds
