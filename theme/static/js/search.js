// Site search on the /search/ page, with Pagefind's JS API and our own small renderer.
//
// Only this page loads this module; Pagefind itself (pagefind/pagefind.js, its
// worker and WebAssembly, all on this site) loads on the first query. The header
// search box on every other page is a plain form that opens this page with ?q=.
// Results are built from DOM nodes (no inline style or script), so the page works
// under a Content-Security-Policy of 'self' plus 'wasm-unsafe-eval' for Pagefind.

const PAGE_SIZE = 10;

const form = document.querySelector("form[data-search-bundle]");
if (form) {
  setUp(form);
}

function setUp(form) {
  const input = form.querySelector("input[name=q]");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const bundle = new URL(form.dataset.searchBundle, document.baseURI);
  const pageTitle = document.title;
  let pagefind = null;
  let results = [];
  let shown = 0;

  function loadPagefind() {
    pagefind ??= import(new URL("pagefind.js", bundle).href).then(async (module) => {
      // Result URLs are site-absolute; the site root is the bundle's parent folder.
      await module.options({ baseUrl: new URL("..", bundle).pathname, excerptLength: 24 });
      await module.init();
      return module;
    });
    return pagefind;
  }

  async function run(query, { debounce }) {
    remember(query);
    if (!query) {
      show([], "");
      return;
    }
    let search;
    try {
      const module = await loadPagefind();
      search = debounce
        ? await module.debouncedSearch(query, {}, 250)
        : await module.search(query);
    } catch (error) {
      pagefind = null;
      say("Search is unavailable right now. Please browse the archives, topics or tags below.");
      list.replaceChildren();
      more.hidden = true;
      console.error("search:", error);
      return;
    }
    if (search === null || input.value.trim() !== query) {
      return; // a newer query has replaced this one
    }
    show(search.results, query);
  }

  function show(found, query) {
    results = found;
    shown = 0;
    list.replaceChildren();
    if (!query) {
      say("");
    } else if (!found.length) {
      say(`No results for “${query}”. Try another word, or browse the archives below.`);
    } else {
      say(`${found.length} result${found.length === 1 ? "" : "s"} for “${query}”`);
    }
    return showMore();
  }

  async function showMore() {
    const batch = results.slice(shown, shown + PAGE_SIZE);
    const current = results;
    const entries = await Promise.all(batch.map((result) => result.data()));
    if (current !== results) {
      return; // replaced by a newer query meanwhile
    }
    list.append(...entries.map(renderResult));
    shown += batch.length;
    more.hidden = shown >= results.length;
  }

  function renderResult(data) {
    const item = document.createElement("li");
    item.className = "search-result";
    const title = document.createElement("h2");
    title.className = "search-result__title";
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta?.title || data.url;
    title.append(link);
    const excerpt = document.createElement("p");
    excerpt.className = "search-result__excerpt";
    excerpt.append(...excerptNodes(data.excerpt || ""));
    const path = document.createElement("p");
    path.className = "search-result__url";
    path.textContent = decodeURI(new URL(data.url, document.baseURI).pathname);
    item.append(title, excerpt, path);
    return item;
  }

  // Pagefind's excerpt is escaped text with <mark> around matches: keep exactly that.
  function excerptNodes(html) {
    const parsed = new DOMParser().parseFromString(html, "text/html").body;
    return Array.from(parsed.childNodes, (node) => {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        return mark;
      }
      return document.createTextNode(node.textContent);
    });
  }

  function say(message) {
    status.textContent = message;
  }

  function remember(query) {
    const url = new URL(window.location.href);
    if (query) {
      url.searchParams.set("q", query);
      document.title = `${query} – ${pageTitle}`;
    } else {
      url.searchParams.delete("q");
      document.title = pageTitle;
    }
    window.history.replaceState(null, "", url);
  }

  input.addEventListener("input", () => run(input.value.trim(), { debounce: true }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(input.value.trim(), { debounce: false });
  });
  more.addEventListener("click", () => showMore());

  const initial = new URLSearchParams(window.location.search).get("q")?.trim() || "";
  if (initial) {
    input.value = initial;
    run(initial, { debounce: false });
  }
}
