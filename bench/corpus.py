"""A synthetic blog shaped like the seed post, for benchmarks.

N articles by several authors with bios, spread over categories and tags; a third
carry a follow-up checklist with timings, the first has the seed post's photo, and
(with Isso installed) an Isso database holds approved comments on a tenth of them.
Deterministic for a seed.
"""

import datetime
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

AUTHORS = [
    ("Barbara Feldman", "Staffing Consultant, New England"),
    ("Dana O'Neil", "Technical Recruiter"),
    ("Marcus Reyes", "Director of Permanent Placement"),
    ("Priya Natarajan", "Senior Recruiter, Finance and Accounting"),
    ("Tom Kowalski", "Contract Staffing Manager"),
    ("Aisha Bello", "Career Coach"),
]
CATEGORIES = [
    "Interview Tips",
    "Résumés",
    "Job Search",
    "Career Growth",
    "Hiring Managers",
    "Offers and Negotiation",
]
TAGS = [
    "interviews",
    "follow-up",
    "thank-you notes",
    "job search",
    "résumé",
    "cover letters",
    "linkedin",
    "networking",
    "salary",
    "negotiation",
    "remote work",
    "contract roles",
    "permanent roles",
    "phone screens",
    "references",
    "onboarding",
    "career change",
    "recruiters",
    "soft skills",
    "it careers",
]
SENTENCES = [
    "Most candidates spend hours researching the company, the role and the hiring manager.",
    "Showing up prepared will certainly help your chances to impress the interviewer.",
    "Hiring managers often expect a short ‘thank you’ note after every conversation.",
    "A qualified candidate may risk the offer by skipping this step—don’t be that candidate.",
    "Keep the note to about three paragraphs and make it specific to the conversation.",
    "Remind the contact how you will bring value to the company and the position.",
    "If the process is delayed, stay in touch with your contacts every few weeks.",
    "Recruiters see the same mistakes every week, and most are easy to avoid.",
    "Your résumé should lead with results, not with a list of duties.",
    "Ask about the team’s biggest challenge this quarter; the answer tells you a lot.",
    "Practise your answers out loud, ideally with someone who will interrupt you.",
    "Salary conversations go better when you know the market range before the first call.",
    "A reference who worked with you recently is worth more than a famous name.",
    "Contract roles can be a fast way into a company that rarely hires permanently.",
]
QUOTES = [
    "“If a candidate does not take the time to follow up, I question their follow-through.”",
    "“The best candidates ask questions that show they already imagine doing the job.”",
    "“I remember the people who made my decision easy.”",
]
CHECKLIST_STEPS = [
    ("**The sooner, the better**—send a thank-you note", "within 24 hours"),
    ("**Thank everyone** you met—not just the hiring manager", "within 2 days"),
    ("**Keep it short**: about three paragraphs", ""),
    ("**Make it specific** to the conversation you had", ""),
    ("**Check in** with the recruiter if you have heard nothing", "after 1 week"),
    ("**Stay in touch** while the process runs", "every 2 weeks, 3 times"),
]
# The seed post's photo, on the first article (which also has a checklist and comments).
IMAGE = "images/2013/follow-up-note.jpg"
IMAGE_ALT = "A thank-you note beside its sealed envelope, a pen and a cup of coffee on a desk"
COMMENT_TEXTS = [
    "Great advice, the *24 hours* rule got me a second interview.",
    "Does this apply to **phone screens** too?",
    "I always send one — thanks for confirming it matters.",
    "What if I don’t have the interviewer’s e-mail address?",
]


def checklist_block(rng):
    """The Markdown of a checklist with timings, in the syntax of the author guide."""
    steps = rng.sample(CHECKLIST_STEPS, k=rng.randint(4, 6))
    lines = []
    for text, timing in steps:
        lines.append(f"- [ ] {text}.")
        if timing:
            lines.append(f'{{: remind="{timing}" }}')
    return "\n".join(lines)


def article_markdown(index, rng, with_checklist, with_image=False):
    title = f"{rng.choice(['How to', 'Why you should', 'When to', 'Ways to'])} " + rng.choice(
        [
            "follow up after an interview",
            "write a résumé that gets read",
            "prepare for a panel interview",
            "negotiate your first offer",
            "work with a recruiter",
            "answer the salary question",
        ]
    )
    title = f"{title[0].upper()}{title[1:]} ({index + 1})"
    date = datetime.datetime(2013, 1, 1, 9, 0) + datetime.timedelta(days=index * 3)
    authors = rng.sample([name for name, _ in AUTHORS], k=1 if rng.random() < 0.9 else 2)
    tags = rng.sample(TAGS, k=rng.randint(2, 5))
    # Like the seed post: about 550 words in eight paragraphs, a quote and a list of hints.
    paragraphs = [" ".join(rng.sample(SENTENCES, k=rng.randint(4, 6))) for _ in range(8)]
    body = [*paragraphs[:3], "> " + rng.choice(QUOTES), *paragraphs[3:]]
    metadata = [
        f"Title: {title}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Authors: {', '.join(authors)}",
        f"Category: {rng.choice(CATEGORIES)}",
        f"Tags: {', '.join(tags)}",
        f"Slug: article-{index + 1:04d}",
        f"Summary: {paragraphs[0][:150]}",
    ]
    if with_image:
        metadata += [f"Image: {IMAGE}", f"Image-Alt: {IMAGE_ALT}"]
    body.insert(4, "The following are some helpful hints:")
    if with_checklist:
        metadata.append(f"Checklist: Follow-up checklist {index + 1}")
        body.insert(5, checklist_block(rng))
    else:
        hints = rng.sample(SENTENCES, k=5)
        body.insert(5, "\n".join(f"- {hint}" for hint in hints))
    return "\n".join(metadata) + "\n\n" + "\n\n".join(body) + "\n"


def bio_markdown(name, role, rng):
    sentences = " ".join(rng.sample(SENTENCES, k=3))
    return f"Name: {name}\nRole: {role}\n\n{name} has placed candidates for years. {sentences}\n"


def generate(folder, articles=1000, seed=2013):
    """Write the corpus under ``folder``; return a description of what was written."""
    rng = random.Random(seed)
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "articles").mkdir(parents=True)
    (folder / "authors").mkdir()
    shutil.copytree(ROOT / "content" / "pages", folder / "pages")
    shutil.copytree(ROOT / "content" / "images" / "brand", folder / "images" / "brand")
    (folder / IMAGE).parent.mkdir(parents=True)
    shutil.copyfile(ROOT / "content" / IMAGE, folder / IMAGE)
    for name, role in AUTHORS:
        slug = name.lower().replace("'", "").replace(" ", "-")
        (folder / "authors" / f"{slug}.md").write_text(bio_markdown(name, role, rng))
    checklists = []
    article_paths = []
    for index in range(articles):
        with_checklist = index % 3 == 0
        path = folder / "articles" / f"article-{index + 1:04d}.md"
        markdown = article_markdown(index, rng, with_checklist, with_image=index == 0)
        path.write_text(markdown, encoding="utf-8")
        article_paths.append(path)
        if with_checklist:
            checklists.append(path)
    database = folder.parent / "comments.db"
    if database.exists():
        database.unlink()
    comment_count = comments_database(database, articles)
    return {
        "articles": article_paths,
        "checklists": checklists,
        "comments_db": database,
        "comments": comment_count,
    }


def article_path(index):
    """The URL path the site gives article ``index`` (its Isso thread id)."""
    date = datetime.datetime(2013, 1, 1, 9, 0) + datetime.timedelta(days=index * 3)
    return f"/blog/{date:%Y/%m/%d}/article-{index + 1:04d}/"


def comments_database(path, articles, seed=2013):
    """An Isso database, written through Isso's own storage layer, with approved
    comments (and some replies) on every tenth article. Returns the comment count."""
    from isso import config
    from isso.db import SQLite3

    rng = random.Random(seed)
    database = SQLite3(str(path), config.load(config.default_file()))
    count = 0
    for index in range(0, articles, 10):
        uri = article_path(index)
        database.threads.new(uri, f"Article {index + 1}")
        parent = None
        for _ in range(rng.randint(1, 5)):
            comment = {
                "text": rng.choice(COMMENT_TEXTS),
                "author": rng.choice(["Jordan", "Sam", "Alex", "Casey", None]),
                "email": "reader@example.com",
                "website": None,
                "mode": 1,
                "remote_addr": "192.0.2.0",
                "parent": parent if rng.random() < 0.4 else None,
                "notification": 0,
            }
            parent = database.comments.add(uri, comment)["id"]
            count += 1
    return count


def without_checklists(folder, target):
    """A copy of the corpus in ``folder`` where no article is a checklist article.

    The lists stay, as plain task lists; the "Checklist:" lines and the timings go.
    """
    shutil.copytree(folder, target)
    for path in (target / "articles").glob("*.md"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [
            line
            for line in lines
            if not line.startswith("Checklist:") and not line.startswith("{: remind=")
        ]
        if len(kept) != len(lines):
            path.write_text("".join(kept), encoding="utf-8")
    return target


def site_settings(workdir, description):
    """Settings the full build needs for this corpus: its comment database."""
    return {"ISSO_DB_PATH": str(description["comments_db"])}
