"""`make bench` end to end on a small corpus: the report it writes, not the timings."""

import gzip

from bs4 import BeautifulSoup

from bench import corpus, run


def test_benchmark_runs_every_build_and_reports_them(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_TMP", str(tmp_path))
    results = run.run(articles=12, repeat=1, keep_site=False)

    builds = ("full", "no_checklists", "plain", "rebuild")
    builds += ("publish_cold", "publish_unchanged", "publish_one_change")
    for build in builds:
        row = results[build]
        assert row["seconds"] > 0 and row["peak_mib"] > 0 and row["cpu_seconds"] > 0, build
        assert row["all_seconds"] == [row["seconds"]]
    assert results["checklist_articles"] == 4  # every third article
    # The devserver's rebuild after an edit inside one post's text shows the edit.
    assert results["rebuild"]["edit_shown"] is True
    assert "pages rendered" in results["rebuild"]["pages_rendered"]
    assert results["comments"] > 0
    full, plain = results["full"]["seconds"], results["plain"]["seconds"]
    assert results["ratios"]["full_vs_plain"] == round(full / plain, 3)
    cold = results["publish_cold"]["cpu_seconds"]
    unchanged = results["publish_unchanged"]["cpu_seconds"]
    assert results["ratios"]["publish_unchanged_vs_cold_cpu"] == round(unchanged / cold, 3)
    assert set(results["verdicts"]) == set(run.TARGETS)
    plugin_lines = sum(len(p.read_text().splitlines()) for p in run.PLUGIN.glob("*.py"))
    assert results["plugin"]["lines"] == plugin_lines

    weight = results["page_weight"]
    # Every page type the site has, found from the first article's links and the settings.
    assert set(weight) == {
        *("home", "article", "checklist", "checklists", "author", "authors", "search"),
        *("page", "tag", "tags", "category", "categories", "archives", "year", "404"),
    }
    article = weight["article"]
    assert article["html"]["files"][0].startswith("blog/")
    assert "theme/js/comments.js" in article["js"]["files"]
    assert not any("embed" in name for name in article["js"]["files"])  # Isso's script: later
    assert article["total"]["raw"] == sum(article[kind]["raw"] for kind in ("html", "css", "js"))
    assert 0 < article["total"]["gzip"] < article["total"]["raw"]

    report = run.markdown_report(results)
    assert "| (a) this site, cold `make html` |" in report
    assert "| full_vs_plain |" in report and "| publish_one_change_vs_cold_cpu |" in report
    assert f"The devserver's rebuild: {results['rebuild']['pages_rendered']}" in report
    assert not list(tmp_path.iterdir())  # the scratch folder is removed


def test_corpus_without_checklists_keeps_the_lists(tmp_path):
    content = tmp_path / "content"
    description = corpus.generate(content, 6)
    # The first article has everything an article page can show: a checklist, an image.
    first = description["articles"][0].read_text(encoding="utf-8")
    assert "Checklist:" in first and f"Image: {corpus.IMAGE}\n" in first
    assert (content / corpus.IMAGE).is_file()
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
