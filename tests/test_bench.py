"""`make bench` end to end on a small corpus: the report it writes, not the timings."""

import gzip

from bs4 import BeautifulSoup

from bench import corpus, run


def test_benchmark_runs_every_build_and_reports_them(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_TMP", str(tmp_path))
    results = run.run(articles=12, repeat=1, keep_site=False)

    for build in ("full", "no_checklists", "plain", "rebuild"):
        row = results[build]
        assert row["seconds"] > 0 and row["peak_mib"] > 0 and row["cpu_seconds"] > 0, build
        assert row["all_seconds"] == [row["seconds"]]
    assert results["checklist_articles"] == 4  # every third article
    assert results["checklist"]["written"] == 4
    assert results["checklist"]["pdfs_rendered_on_rebuild"] == 0
    # What the devserver said of its rebuild. The edit is inside one article's text, but
    # here it also changes the article's reading time, which listings show: every page.
    rendered, in_all = results["rebuild"]["pages_rendered"]
    assert 0 < rendered <= in_all and in_all > 3 * 12, (rendered, in_all)
    assert results["comments"] > 0
    full, plain = results["full"]["seconds"], results["plain"]["seconds"]
    assert results["ratios"]["full_vs_plain"] == round(full / plain, 3)
    assert set(results["verdicts"]) == set(run.TARGETS)

    weight = results["page_weight"]
    assert set(weight) == {"home", "article", "author", "checklist"}
    article = weight["article"]
    assert article["html"]["files"][0].startswith("blog/")
    assert "theme/js/comments.js" in article["js"]["files"]
    assert not any("embed" in name for name in article["js"]["files"])  # Isso's script: later
    assert article["total"]["raw"] == sum(article[kind]["raw"] for kind in ("html", "css", "js"))
    assert 0 < article["total"]["gzip"] < article["total"]["raw"]

    report = run.markdown_report(results)
    assert "| (a) this site, every feature |" in report
    assert "| full_vs_plain |" in report and "Checklists: 4 written" in report
    assert f"Pages the rebuild rendered after the edit: {rendered} of {in_all}" in report
    assert not list(tmp_path.iterdir())  # the scratch folder is removed


def test_corpus_without_checklists_keeps_the_lists(tmp_path):
    content = tmp_path / "content"
    description = corpus.generate(content, 6)
    copy = corpus.without_checklists(content, tmp_path / "copy")
    original = description["checklists"][0].read_text(encoding="utf-8")
    stripped = (copy / "articles" / description["checklists"][0].name).read_text(encoding="utf-8")
    assert "Checklist:" in original and "remind=" in original
    assert "Checklist:" not in stripped and "remind=" not in stripped
    assert stripped.count("- [ ] ") == original.count("- [ ] ") > 0


def test_page_weight_counts_a_page_and_what_it_loads(tmp_path):
    site = tmp_path / "site"
    (site / "theme" / "js").mkdir(parents=True)
    (site / "theme" / "js" / "main.js").write_text('import "./helper.js";\nmain();\n')
    (site / "theme" / "js" / "helper.js").write_text("export const helper = 1;\n")
    (site / "style.css").write_text("body { color: black; }\n")
    (site / "index.html").write_text(
        '<link rel="stylesheet" href="/style.css"><script type="module" src="/theme/js/main.js">'
        '</script><script src="https://comments.example/embed.js"></script>'
    )
    weight = run.page_weight(site, "")
    assert sorted(weight["js"]["files"]) == ["theme/js/helper.js", "theme/js/main.js"]
    assert weight["css"]["files"] == ["style.css"]
    html = (site / "index.html").read_bytes()
    assert weight["html"]["raw"] == len(html)
    assert weight["html"]["gzip"] == len(gzip.compress(html, 9))
    assert BeautifulSoup(html, "html.parser").find(
        "script", src="https://comments.example/embed.js"
    )
