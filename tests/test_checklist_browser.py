"""The checklist page in real headless Chromium, served on 127.0.0.1."""

from datetime import date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path

import icalendar
from dateutil.rrule import rrulestr
from PIL import Image
from pypdf import PdfReader

from conftest import SEED_URL

CHECKLIST = "checklists/the-value-of-post-interview-follow-up/"
SLUG = "the-value-of-post-interview-follow-up"


def squeeze(text):
    return "".join(text.split())


def states(page):
    boxes = page.locator(".checklist__box")
    return [boxes.nth(i).is_checked() for i in range(boxes.count())]


def test_article_box_leads_to_page_and_downloads(page, site_url):
    page.goto(f"{site_url}/{SEED_URL}")
    box = page.locator(".checklist-box")
    assert box.get_by_role("heading").inner_text() == "Download the checklist"
    with page.expect_download() as pdf:
        box.get_by_role("link", name="PDF").click()
    assert pdf.value.suggested_filename == f"{SLUG}-checklist.pdf"
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-")
    with page.expect_download() as md:
        box.get_by_role("link", name="Markdown / plain text").click()
    assert Path(md.value.path()).read_text(encoding="utf-8").count("\n- [ ] ") == 5
    box.get_by_role("link", name="Printable checklist").click()
    page.wait_for_url(f"{site_url}/{CHECKLIST}")
    assert page.locator("h1").inner_text() == "Post-interview follow-up checklist"


def test_ticks_survive_a_reload_and_clear_resets_them(page, site_url):
    url = f"{site_url}/{CHECKLIST}"
    page.goto(url)
    assert states(page) == [False] * 5
    labels = page.locator(".checklist__label")
    labels.nth(0).click()
    labels.nth(2).click()
    page.reload()
    assert states(page) == [True, False, True, False, False]

    # Remembered in localStorage under per-item ids, not by the browser's form
    # restore: a new tab shows the same ticks.
    ids = page.locator("[data-checklist-item]").evaluate_all(
        "items => items.map(item => item.dataset.checklistItem)"
    )
    other = page.context.new_page()
    other.goto(url)
    assert states(other) == [True, False, True, False, False]
    keys = other.evaluate("Object.keys(localStorage).sort()")
    assert keys == sorted(f"checklist:{SLUG}:{ids[i]}" for i in (0, 2))
    other.close()

    page.get_by_role("button", name="Clear").click()
    assert states(page) == [False] * 5
    page.reload()
    assert states(page) == [False] * 5
    assert page.evaluate("localStorage.length") == 0


def test_date_pickers_calendar_icon_shows_in_both_colour_schemes(page, site_url):
    """The browser draws the icon in the field's colour scheme: it must be the page's, or
    a dark icon sits on the dark field."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(f"{site_url}/{CHECKLIST}#calendar")
        field = page.get_by_label("Interview date")
        with Image.open(BytesIO(field.screenshot())) as shot:
            grey = shot.convert("L")
        width, height = grey.size
        # Inside the border: the right end, where the icon is, and the left, where text is not.
        icon = grey.crop((width - 36, 6, width - 6, height - 6)).getextrema()
        background = grey.getpixel((4, 4))
        assert max(abs(value - background) for value in icon) > 120, (scheme, icon, background)


def test_calendar_file_has_each_timed_item_on_its_day(page, site_url):
    page.goto(f"{site_url}/{CHECKLIST}#calendar")
    date_field = page.get_by_label("Interview date")
    assert date_field.input_value() == date.today().isoformat()
    date_field.fill("2031-05-14")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download reminders (.ics)").click()
    download = info.value
    assert download.suggested_filename == f"{SLUG}-reminders-2031-05-14.ics"
    raw = Path(download.path()).read_bytes()

    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)

    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert sorted(events) == [
        "If the hiring process gets delayed, you should stay in touch",
        "The sooner, the better",
    ]
    uids = {str(event["UID"]) for event in events.values()}
    assert len(uids) == 2
    for event in events.values():
        assert isinstance(event.decoded("DTSTAMP"), datetime)
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(days=1)
        assert f"/{CHECKLIST}" in str(event["URL"])
        # Each reminder alarms at 9:00 on its day (CHECKLIST_REMINDER_TIME).
        [alarm] = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm.decoded("TRIGGER") == timedelta(hours=9)

    # "within 24 hours": the interview day itself, once.
    sooner = events["The sooner, the better"]
    assert sooner.decoded("DTSTART") == date(2031, 5, 14)
    assert "RRULE" not in sooner
    assert str(sooner["DESCRIPTION"]).startswith(
        "The sooner, the better—send the follow-up note within 24 hours"
    )

    # "every 3 weeks, 4 times": three weeks after the interview, then every three weeks.
    touch = events["If the hiring process gets delayed, you should stay in touch"]
    start = touch.decoded("DTSTART")
    assert start == date(2031, 6, 4)
    rule = rrulestr(touch["RRULE"].to_ical().decode(), dtstart=datetime.combine(start, time()))
    assert [day.date() for day in rule] == [
        date(2031, 6, 4),
        date(2031, 6, 25),
        date(2031, 7, 16),
        date(2031, 8, 6),
    ]


def test_print_shows_the_boxes_and_hides_navigation(page, site_url):
    page.goto(f"{site_url}/{CHECKLIST}")
    page.locator(".checklist__label").nth(1).click()
    assert page.locator(".site-nav").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".site-header").is_visible()
    boxes = page.locator(".checklist__box")
    assert boxes.count() == 5
    for index in range(5):
        assert boxes.nth(index).is_visible()
    assert states(page) == [False, True, False, False, False]
    assert not page.get_by_role("button", name="Clear").is_visible()
    assert not page.locator("#calendar").is_visible()


def test_keyboard_focus_on_a_box_is_visible(page, site_url):
    page.goto(f"{site_url}/{CHECKLIST}")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('checklist__box')"):
            break
    else:
        raise AssertionError("no checkbox reachable with Tab")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; })()"
    )
    assert outline[0] != "none" and outline[1] != "0px"


def test_without_javascript_every_item_shows_and_prints(browser, site_url, site):
    context = browser.new_context(java_script_enabled=False)
    foreign = []

    def guard(route):
        if route.request.url.startswith("http://127.0.0.1"):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/{CHECKLIST}")
        labels = page.locator(".checklist__label")
        assert labels.count() == 5
        for index in range(5):
            assert labels.nth(index).is_visible()
        assert not page.locator("[data-checklist-calendar]").is_visible()
        assert page.locator("[data-checklist-nojs]").is_visible()
        # Clear is a plain reset button of the form the boxes belong to.
        boxes = page.locator(".checklist__box")
        boxes.nth(0).check()
        boxes.nth(3).check()
        page.get_by_role("button", name="Clear").click()
        assert [boxes.nth(i).is_checked() for i in range(5)] == [False] * 5

        page.emulate_media(media="print")
        printed = PdfReader(BytesIO(page.pdf()))
        text = squeeze("".join(p.extract_text() for p in printed.pages))
        for item in site.html(CHECKLIST).select(".checklist__label"):
            assert squeeze(item.get_text()) in text
        assert "Archives" not in text
    finally:
        context.close()
    assert not foreign


def test_the_printable_checklist_is_the_boxs_one_button(page, site_url):
    """The box's call to action looks like a button, thumb-sized, in light and dark."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{site_url}/{SEED_URL}")
        box = page.locator(".checklist-box")
        primary = box.get_by_role("link", name="Printable checklist")
        background = primary.evaluate("e => getComputedStyle(e).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent")
        assert primary.bounding_box()["height"] >= 44
        for other in ("PDF", "Markdown / plain text", "Calendar reminders (.ics)"):
            link = box.get_by_role("link", name=other)
            assert link.evaluate("e => getComputedStyle(e).backgroundColor") != background
