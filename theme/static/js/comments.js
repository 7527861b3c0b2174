// Comment section: load Isso's client from our own comment server, and only when the
// section comes near the viewport, so readers who never scroll there pay nothing.
//
// The approved comments are already in the page (rendered at build time). They stay
// until Isso has built its own thread, and are removed right before Isso inserts its
// comments, so nothing shows twice. If the comment server cannot be reached, the
// static comments simply stay. No inline script or style: CSP-clean.

const NEAR = "600px 0px"; // start loading this far before the section scrolls into view

const thread = document.getElementById("isso-thread");
const server = thread?.dataset.commentServer;

function showNote(text) {
  const note = document.createElement("p");
  note.className = "comments__offline";
  note.textContent = text;
  thread.append(note);
}

function loadIsso() {
  const staticCopy = thread.querySelector("[data-comments-static]");
  // Isso appends its heading, form and #isso-root once it has its server config, and
  // inserts comments only after a further request: remove our copy in between.
  const watcher = new MutationObserver(() => {
    if (document.getElementById("isso-root")) {
      watcher.disconnect();
      staticCopy?.remove();
      // Isso titles the thread with an h4, right under the section's h2: to screen
      // readers (and the outline) it is the third level, as the static copy's h3 was.
      thread.querySelector(".isso-thread-heading")?.setAttribute("aria-level", "3");
      thread.classList.add("comments--live");
    }
  });
  watcher.observe(thread, { childList: true });

  const script = document.createElement("script");
  const options = {
    "data-isso": server,
    "data-isso-css": "false", // styles are in site.css; no extra stylesheet request
    "data-isso-avatar": "false", // identicons would need inline styles (CSP)
    "data-isso-vote": "false",
    "data-isso-sorting": "oldest", // the order of the static copy
    "data-isso-lang": "en",
    // Isso's own wording ("No Comments Yet", "Type Comment Here (at least 3 chars)"),
    // written the way the rest of the site writes it. "\\n" separates singular and plural.
    "data-isso-no-comments-text-en": "No comments yet",
    "data-isso-num-comments-text-en": "1 comment\\n{{ n }} comments",
    "data-isso-postbox-text-text-en": "Your comment (at least 3 characters)",
    "data-isso-postbox-author-text-en": "Name (optional)",
    "data-isso-postbox-email-text-en": "E-mail (optional, never published)",
    "data-isso-postbox-website-text-en": "Website (optional)",
    "data-isso-postbox-author-placeholder-text-en": "Your name",
    "data-isso-postbox-email-placeholder-text-en": "you@example.com",
    "data-isso-postbox-website-placeholder-text-en": "https://",
    "data-isso-postbox-submit-text-en": "Post comment",
    "data-isso-postbox-preview-text-en": "Preview",
    "data-isso-comment-queued-text-en": "Waiting for a moderator.",
  };
  for (const [name, value] of Object.entries(options)) {
    script.setAttribute(name, value);
  }
  script.src = `${server}/js/embed.min.js`;
  script.addEventListener("error", () => {
    watcher.disconnect();
    showNote("The comment form could not be loaded. Please try again later.");
  });
  document.body.append(script);
}

if (thread && server) {
  if ("IntersectionObserver" in window) {
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          observer.disconnect();
          loadIsso();
        }
      },
      { rootMargin: NEAR },
    );
    observer.observe(thread);
  } else {
    loadIsso();
  }
}
