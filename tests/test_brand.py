"""The firm's look, set in pelicanconf.py: logo, accent colour, call to action, checklist PDF.

A site built through the real pipeline with the firm's own settings (a wide logo, a pale
yellow accent that fails contrast as it is), read back with BeautifulSoup, Pillow and
pypdf, and shown in Chromium.
"""

import io
import json
import re
import shutil
from urllib.parse import urljoin, urlsplit

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from conftest import ROOT, SEED_URL, run_pelican, serve
from quality_gates import axe_violations

SITE_ADDRESS = "https://careers.firm.example"
ACCENT = "#ffd400"  # too pale for text on white: the light scheme must darken it
CALL_TO_ACTION = {
    "text": "Hiring? Tell us about the role & we call you back <today>.",
    "label": "Talk to us",
    "link": "https://firm.example/contact/?from=blog&topic=hiring",
}
BY_CATEGORY = {
    "Resumes": {
        "text": "Send us your résumé.",
        "label": "Upload your résumé",
        "link": "mailto:cv@firm.example",
    },
    "Offers": None,  # no box in this category
    "Events": {"text": "Click", "label": "Run", "link": "javascript:alert(1)"},
}
LONG_ITEMS = 13  # two lines each: they fill the page, the notes get what is left
ARTICLES = {
    "resumes.md": "Title: One Page or Two?\nDate: 2015-03-03\nCategory: Resumes\n\nShort.\n",
    "offers.md": "Title: Weighing an Offer\nDate: 2016-09-12\nCategory: Offers\n\nAsk for time.\n",
    "events.md": "Title: Career Fair\nDate: 2017-04-01\nCategory: Events\n\nCome along.\n",
    "long.md": (
        "Title: Before Day One\nDate: 2018-01-02\nCategory: Interview Tips\n"
        "Checklist: Before your first day\n\nThe list:\n\n"
        + "".join(
            f"- [ ] **Step {n}** check the thing number {n}, and write down what you found "
            "out about it for your manager and your recruiter.\n"
            for n in range(1, LONG_ITEMS + 1)
        )
    ),
}
URLS = {
    "seed": SEED_URL,
    "resumes": "blog/2015/03/03/one-page-or-two/",
    "offers": "blog/2016/09/12/weighing-an-offer/",
    "events": "blog/2017/04/01/career-fair/",
}
SEED_SLUG = "the-value-of-post-interview-follow-up"
SEED_PDF = f"checklists/{SEED_SLUG}/{SEED_SLUG}-checklist.pdf"
LONG_PDF = "checklists/before-day-one/before-day-one-checklist.pdf"


def draw_logo(path, colour="#b3122e", size=(300, 100)):
    """A wide logo on a transparent background."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).rounded_rectangle((10, 10, size[0] - 10, size[1] - 10), 12, colour)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)


def settings(**values):
    return ["-e", *(f"{key}={json.dumps(value)}" for key, value in values.items())]


def build_content(root):
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    for name, text in ARTICLES.items():
        head, body = text.split("\n\n", 1)
        (content / "articles" / name).write_text(f"{head}\nAuthor: Barbara Feldman\n\n{body}")
    draw_logo(content / "images" / "firm" / "logo.png")
    return content


@pytest.fixture(scope="module")
def brand_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("brand")
    options = settings(
        BRAND_LOGO="images/firm/logo.png",
        BRAND_ACCENT=ACCENT,
        CALL_TO_ACTION=CALL_TO_ACTION,
        CALL_TO_ACTION_BY_CATEGORY=BY_CATEGORY,
        SITEURL=SITE_ADDRESS,
    )
    build = run_pelican(build_content(root), root / "output", "pelicanconf.py", *options)
    assert build.returncode == 0, build.log
    assert "ERROR" not in build.log and "WARNING" not in build.log, build.log
    return build


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory):
    """No logo, no call to action."""
    root = tmp_path_factory.mktemp("plain")
    options = settings(BRAND_LOGO="", CALL_TO_ACTION=None, CALL_TO_ACTION_BY_CATEGORY=None)
    build = run_pelican(build_content(root), root / "output", "pelicanconf.py", *options)
    assert build.returncode == 0, build.log
    assert "ERROR" not in build.log and "WARNING" not in build.log, build.log
    return build


def linked(build, page_url, href):
    """The output file a link on ``page_url`` points to."""
    return build.path(urlsplit(urljoin(f"http://site/{page_url}", href)).path.lstrip("/"))


def luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one, other):
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def brand_css(build, page_url=SEED_URL):
    link = build.html(page_url).find("link", href=re.compile(r"brand\.css$"))
    css = linked(build, page_url, link["href"]).read_text()
    light, dark = re.findall(r"--color-accent:\s*(#[0-9a-f]{6})", css)
    return css, light, dark


# --- Logo and favicons ---------------------------------------------------------------------


@pytest.mark.parametrize("page_url", ["", SEED_URL, "checklists/", "about/"])
def test_header_shows_the_logo_at_its_size_named_by_the_site(brand_site, page_url):
    logo = brand_site.html(page_url).select_one(".site-header img.site-title__logo")
    assert logo["alt"] == "Career Advice Blog"
    assert logo.find_parent("a")["rel"] == ["home"]
    with Image.open(linked(brand_site, page_url, logo["src"])) as image:
        # The 300 × 100 logo fitted into the header's 480 × 120 box.
        assert image.size == (int(logo["width"]), int(logo["height"])) == (360, 120)


def test_favicons_are_made_from_the_logo_at_their_sizes(brand_site):
    page = brand_site.html(SEED_URL)
    icon = page.find("link", rel="icon")
    assert (icon["type"], icon["sizes"]) == ("image/png", "32x32")
    with Image.open(linked(brand_site, SEED_URL, icon["href"])) as image:
        assert image.size == (32, 32)
        assert image.convert("RGBA").getpixel((0, 0))[3] == 0  # the logo's transparency kept
        assert image.convert("RGB").getpixel((16, 16)) == (0xB3, 0x12, 0x2E)
    touch = page.find("link", rel="apple-touch-icon")
    with Image.open(linked(brand_site, SEED_URL, touch["href"])) as image:
        assert image.size == (180, 180)
        assert image.mode == "RGB"  # opaque: iOS would show transparency black
        assert image.getpixel((0, 0)) == (255, 255, 255)


def test_without_a_logo_the_header_names_the_site_in_text(plain_site):
    page = plain_site.html(SEED_URL)
    assert page.select_one(".site-title").get_text(strip=True) == "Career Advice Blog"
    assert not page.select(".site-title img")
    assert not page.find("link", rel=["icon", "apple-touch-icon"])


# --- Accent ---------------------------------------------------------------------------------


def test_accent_is_the_firms_where_it_reads_and_adjusted_where_it_would_not(brand_site):
    _css, light, dark = brand_css(brand_site)
    assert dark == ACCENT  # pale yellow reads on the dark backgrounds as it is
    assert light != ACCENT
    for background in ("#ffffff", "#f4f6f9"):  # site.css: page and boxes, light scheme
        assert contrast(light, background) >= 4.5, (light, background)
    for background in ("#12161b", "#1c232b", "#0b1520"):  # dark scheme, and button text
        assert contrast(dark, background) >= 4.5, (dark, background)
    red, green, _blue = (int(light[i : i + 2], 16) for i in (1, 3, 5))
    assert red > green > _blue  # still a yellow, only darker


def test_default_accent_is_used_as_written(site):
    css, light, _dark = brand_css(site)
    assert light == "#0b5cad"
    assert "prefers-color-scheme: dark" in css


def test_accent_and_call_to_action_pass_axe_in_both_schemes(page, brand_site):
    with serve(brand_site.output) as origin:
        for url in ("", SEED_URL, f"checklists/{SEED_SLUG}/"):
            assert axe_violations(page, f"{origin}/{url}") == []


def test_article_with_logo_and_call_to_action_fits_every_screen(page, brand_site):
    with serve(brand_site.output) as origin:
        for width in (320, 390, 768, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                page.goto(f"{origin}/{SEED_URL}")
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                for selector in (".site-title__logo", ".call-to-action__link"):
                    box = page.locator(selector).bounding_box()
                    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (width, selector)


# --- Call to action -------------------------------------------------------------------------


def call_to_action(build, name):
    box = build.html(URLS[name]).select_one(".post .call-to-action")
    return box and (box.p.get_text(), box.a.get_text(), box.a["href"])


def test_call_to_action_under_every_post_with_its_text_and_link(brand_site):
    expected = (CALL_TO_ACTION["text"], CALL_TO_ACTION["label"], CALL_TO_ACTION["link"])
    assert call_to_action(brand_site, "seed") == expected
    box = brand_site.html(SEED_URL).select_one(".call-to-action")
    assert box.find_previous_sibling(class_="post__content")  # after the text…
    assert box.find_next_sibling(class_="post__footer")  # …before tags, share and author
    assert box.has_attr("data-pagefind-ignore")


def test_category_has_its_own_call_to_action_or_none(brand_site):
    resumes = BY_CATEGORY["Resumes"]
    assert call_to_action(brand_site, "resumes") == (
        resumes["text"],
        resumes["label"],
        resumes["link"],
    )
    assert call_to_action(brand_site, "offers") is None


def test_call_to_action_with_an_unsafe_link_is_left_out(brand_site):
    assert call_to_action(brand_site, "events") is None
    assert "javascript:" not in brand_site.path(URLS["events"]).read_text()


def test_no_call_to_action_when_unset(plain_site):
    for name in URLS:
        assert call_to_action(plain_site, name) is None, name


# --- Checklist PDF --------------------------------------------------------------------------


def pdf_text_and_images(path):
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    objects = page["/Resources"].get("/XObject", {})
    images = [obj.get_object() for obj in objects.values()]
    images = [image for image in images if image["/Subtype"] == "/Image"]
    return " ".join(page.extract_text().split()), images


def test_pdf_carries_logo_site_name_address_and_notes(brand_site):
    text, images = pdf_text_and_images(brand_site.output / SEED_PDF)
    assert f"Career Advice Blog · {SITE_ADDRESS}" in text
    assert "Notes" in text
    assert images and images[0]["/Width"] == 300  # the logo as the firm gave it
    assert text.index("Notes") > text.index("If the hiring process gets delayed")
    assert text.endswith(f"{SITE_ADDRESS}/checklists/the-value-of-post-interview-follow-up/")


def test_longest_checklist_still_fits_one_page(brand_site):
    text, images = pdf_text_and_images(brand_site.output / LONG_PDF)
    assert f"Step {LONG_ITEMS}" in text and images
    assert text.endswith(f"{SITE_ADDRESS}/checklists/before-day-one/")


def test_a_new_logo_or_address_makes_the_pdf_again(tmp_path):
    content = build_content(tmp_path)
    logo = content / "images" / "firm" / "logo.png"
    options = settings(BRAND_LOGO="images/firm/logo.png", CALL_TO_ACTION=None)

    def build(name, *extra):
        built = run_pelican(content, tmp_path / name, "pelicanconf.py", "-v", *options, *extra)
        assert built.returncode == 0, built.log
        count = re.search(r"checklist PDFs: (\d+) made, (\d+) from the cache", built.log)
        return tuple(map(int, count.groups())), (built.output / SEED_PDF).read_bytes()

    first = build("first")
    assert first[0] == (2, 0)
    assert build("again")[0] == (0, 2)  # same cache, fresh folder
    draw_logo(logo, colour="#0a7d3b", size=(900, 300))
    new_logo = build("new-logo")
    assert new_logo[0] == (2, 0)
    assert new_logo[1] != first[1]
    printed = pdf_text_and_images(io.BytesIO(new_logo[1]))[1][0]
    assert (printed["/Width"], printed["/Height"]) == (360, 120)  # no larger than it prints
    moved = build("moved", "-e", f"SITEURL={json.dumps(SITE_ADDRESS)}")
    assert moved[0] == (2, 0)


# --- Mistakes in pelicanconf.py -------------------------------------------------------------


def test_bad_logo_or_accent_is_one_clear_error_each(tmp_path):
    options = settings(BRAND_LOGO="pages/about.md", BRAND_ACCENT="navy", CALL_TO_ACTION=None)
    build = run_pelican(build_content(tmp_path), tmp_path / "output", "pelicanconf.py", *options)
    assert build.returncode == 1  # the problems are listed, and `make publish` would stop
    report = build.log.split("Problems found in this build:\n", 1)[1].splitlines()
    accent, logo, count = report
    assert accent == "pelicanconf.py: BRAND_ACCENT 'navy' is not a colour: write \"#rrggbb\""
    assert logo.startswith("pelicanconf.py: BRAND_LOGO 'pages/about.md': cannot identify image")
    assert logo.endswith('name a PNG in content/, or ""')
    assert count.startswith("2 problems in 1 file")
    # The site is still built, in the default accent and without a logo.
    assert brand_css(build)[1] == "#0b5cad"
    assert not build.html(SEED_URL).select(".site-title img")
