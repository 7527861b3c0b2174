"""Social cards: a 1200×630 og:image / twitter:image on every page, drawn or cropped, cached."""

import io
import re
import urllib.parse
import urllib.request

from PIL import Image, ImageChops

from conftest import SEED_URL, run_pelican, run_publish

SITEURL = "http://127.0.0.1:8000"  # pelicanconf.py's preview address
POST = """\
Title: {title}
Slug: post-{day}
Date: 2015-06-{day:02d} 10:00
Author: Barbara Feldman
Category: Interview Tips

Some advice.
"""
HOSTILE_TITLES = [
    "Ask «What does success look like?» — and listen " * 40,  # far too long for a card
    "A" * 3000,  # one word wider than the card
    "Собеседование: как написать письмо после встречи",
    "Συνέντευξη και ευχαριστήριο σημείωμα",
    "مقابلة العمل: رسالة الشكر بعد المقابلة",
    "👩‍💼 Emoji 🎉 and \u202e reversed \u200b text",
    "<script>alert(1)</script> & \"quotes\" 'single' `back` ${x} {{ y }}",
]


def card_meta(page):
    tags = {t.get("property") or t.get("name"): t.get("content") for t in page.find_all("meta")}
    return {key: value for key, value in tags.items() if key and re.match("og:image|twitter", key)}


def card_file(build, url, siteurl=SITEURL):
    assert url.startswith(siteurl + "/images/cards/"), url
    return build.output / urllib.parse.urlsplit(url).path.lstrip("/")


def pages_with_open_graph(build):
    for path in sorted(build.output.rglob("*.html")):
        page = build.html(str(path.relative_to(build.output)))
        if page.find("meta", property="og:url"):
            yield path, page


def test_every_page_has_an_absolute_1200_by_630_card(site):
    checked = 0
    for path, page in pages_with_open_graph(site):
        meta = card_meta(page)
        assert meta["twitter:card"] == "summary_large_image", path
        assert meta["twitter:image"] == meta["og:image"], path
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630"), path
        assert meta["og:image:alt"] and meta["twitter:image:alt"] == meta["og:image:alt"], path
        with Image.open(card_file(site, meta["og:image"])) as card:
            assert card.size == (1200, 630) and card.format == "JPEG", path
        checked += 1
    assert checked > 10  # posts, pages, listings, checklist pages


def test_a_post_with_an_image_shares_it_and_a_page_gets_a_drawn_card(site):
    post = card_meta(site.html(SEED_URL))
    assert post["og:image:alt"].startswith("A thank-you note beside its sealed envelope")
    about = card_meta(site.html("about/"))
    assert about["og:image:alt"] == "About"
    home = card_meta(site.html(""))
    assert home["og:image:alt"] == "Career Advice Blog"
    assert len({post["og:image"], about["og:image"], home["og:image"]}) == 3
    assert site.json_ld(SEED_URL)["image"] == post["og:image"]  # for search engines too


def test_the_card_is_served_from_the_built_site(site, site_url):
    card_url = card_meta(site.html(SEED_URL))["og:image"].replace(SITEURL, site_url)
    with urllib.request.urlopen(card_url, timeout=10) as response:
        assert response.status == 200 and response.headers["Content-Type"] == "image/jpeg"
        with Image.open(io.BytesIO(response.read())) as card:
            assert card.size == (1200, 630)


def title_ink(card):
    """Dark pixels where the title is drawn: the title is on the card."""
    area = card.convert("L").crop((80, 190, 1120, 520))
    return sum(area.histogram()[:100])


def test_long_hostile_and_non_latin_titles_get_cards(content_copy, tmp_path):
    for day, title in enumerate(HOSTILE_TITLES, 1):
        text = POST.format(title=title, day=day)
        (content_copy / "articles" / f"hostile-{day}.md").write_text(text, encoding="utf-8")
    build = run_pelican(content_copy, tmp_path / "output")
    assert build.returncode == 0, build.log
    cards = set()
    for day in range(1, len(HOSTILE_TITLES) + 1):
        meta = card_meta(build.html(f"blog/2015/06/{day:02d}/post-{day}/"))
        assert meta["og:image:alt"].startswith(HOSTILE_TITLES[day - 1][:10])
        with Image.open(card_file(build, meta["og:image"])) as card:
            assert card.size == (1200, 630)
            assert title_ink(card) > 2000, HOSTILE_TITLES[day - 1][:40]
        cards.add(meta["og:image"])
    assert len(cards) == len(HOSTILE_TITLES)


def test_what_the_card_font_cannot_draw_is_left_out_not_drawn_as_empty_boxes(
    content_copy, tmp_path
):
    """Emoji in a title: the card's font has none, and LinkedIn would show empty boxes. The
    card is the one of the title without them; the page's alt text keeps them."""
    titles = ["👩\u200d💼 Five ways 🚀 to follow up 🎉", "Five ways to follow up"]
    for day, title in enumerate(titles, 1):
        text = POST.format(title=title, day=day)
        (content_copy / "articles" / f"emoji-{day}.md").write_text(text, encoding="utf-8")
    build = run_pelican(content_copy, tmp_path / "output")
    assert build.returncode == 0, build.log
    cards = []
    for day, title in enumerate(titles, 1):
        meta = card_meta(build.html(f"blog/2015/06/{day:02d}/post-{day}/"))
        assert meta["og:image:alt"] == title
        with Image.open(card_file(build, meta["og:image"])) as card:
            cards.append(card.convert("RGB"))
    assert ImageChops.difference(*cards).getbbox() is None
    assert title_ink(cards[0]) > 2000


def test_a_title_the_card_font_cannot_draw_at_all_leaves_the_title_area_blank(
    content_copy, tmp_path
):
    """Japanese with the default font (DejaVu has no kana or kanji): no row of boxes; the card
    still carries the brand and the byline."""
    text = POST.format(title="面接の後のお礼状の書き方と送るタイミング", day=1)
    (content_copy / "articles" / "japanese.md").write_text(text, encoding="utf-8")
    build = run_pelican(content_copy, tmp_path / "output")
    assert build.returncode == 0, build.log
    meta = card_meta(build.html("blog/2015/06/01/post-1/"))
    with Image.open(card_file(build, meta["og:image"])) as card:
        assert title_ink(card) == 0
        byline = card.convert("L").crop((80, 520, 1120, 580))
        assert sum(byline.histogram()[:128]) > 500


def made_and_cached(log):
    found = re.search(r"images and cards: (\d+) made, (\d+) from the cache", log)
    assert found, log
    return int(found.group(1)), int(found.group(2))


def test_cards_and_images_are_made_once_and_reused_by_every_build(content_copy, tmp_path):
    preview = run_pelican(content_copy, tmp_path / "output", "pelicanconf.py", "-v")
    made, reused = made_and_cached(preview.log)
    assert made > 3 and reused == 0
    cache = tmp_path / "cache" / "staffblog" / "images"
    stamps = {path: path.stat().st_mtime_ns for path in cache.rglob("*.*")}
    assert len(stamps) == made

    for _ in range(2):  # `make publish` into a fresh folder, twice: nothing drawn again
        published = run_publish(content_copy, tmp_path / "public", options=["-v"])
        assert published.returncode == 0, published.log
        assert made_and_cached(published.log) == (0, made)
        assert {path for path in cache.rglob("*.*")} == set(stamps)
        meta = card_meta(published.html(SEED_URL))
        card = card_file(published, meta["og:image"], "https://blog.example.com")
        assert card.read_bytes() == (cache / card.name).read_bytes()

    about = content_copy / "pages" / "about.md"
    about.write_text(about.read_text().replace("Title: About", "Title: About us"))
    edited = run_pelican(content_copy, tmp_path / "output", "pelicanconf.py", "-v")
    assert made_and_cached(edited.log) == (1, made - 1)  # the page's new card only


def test_cards_carry_the_brand_logo_and_accent(content_copy, tmp_path):
    logo = content_copy / "images" / "brand" / "green.png"
    logo.parent.mkdir(exist_ok=True)
    Image.new("RGBA", (400, 100), (0, 160, 60, 255)).save(logo)
    brand = ["-e", 'BRAND_ACCENT="#c0392b"', 'BRAND_LOGO="images/brand/green.png"']
    build = run_pelican(content_copy, tmp_path / "output", "pelicanconf.py", *brand)
    assert build.returncode == 0, build.log
    with Image.open(card_file(build, card_meta(build.html("about/"))["og:image"])) as card:
        card = card.convert("RGB")
        assert close(card.getpixel((10, 300)), (0xC0, 0x39, 0x2B))  # the accent bar
        assert close(card.getpixel((300, 140)), (0, 160, 60))  # the logo

    # Without a logo: the site's name instead, in the default accent.
    build = run_pelican(content_copy, tmp_path / "other", "pelicanconf.py", "-e", 'BRAND_LOGO=""')
    assert build.returncode == 0, build.log
    with Image.open(card_file(build, card_meta(build.html("about/"))["og:image"])) as card:
        card = card.convert("RGB")
        assert close(card.getpixel((10, 300)), (0x0B, 0x5C, 0xAD))
        assert close(card.getpixel((300, 140)), (255, 255, 255))
        assert min(card.crop((80, 60, 480, 110)).convert("L").getextrema()) < 128  # the name


def close(pixel, expected, tolerance=12):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


def test_a_draft_gets_no_card_in_a_publish(content_copy, tmp_path):
    draft = POST.format(title="Secret Draft", day=1).replace(
        "Category:", "Status: draft\nCategory:"
    )
    (content_copy / "articles" / "draft.md").write_text(draft)
    preview = run_pelican(content_copy, tmp_path / "output")
    draft_card = card_file(preview, card_meta(preview.html("drafts/post-1/"))["og:image"])
    assert draft_card.is_file()
    published = run_publish(content_copy, tmp_path / "public")
    assert published.returncode == 0, published.log
    assert not (published.output / "images" / "cards" / draft_card.name).exists()
