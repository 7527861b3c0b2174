"""What WordPress did to a post body before showing it, in the same order.

``the_content`` runs, for a classic post: embeds (``[embed]`` and bare URLs on their
own line), ``wpautop`` (automatic paragraphs), ``shortcode_unautop`` and then the
shortcodes. A block-editor (Gutenberg) post skips ``wpautop``; its block comments
are dropped. ``wpautop`` below is a line-by-line port of WordPress 6's PHP.
"""

import re

ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article"
    r"|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
BLOCK_COMMENT = re.compile(r"<!--\s+/?wp:[^>]*?-->\n?")
MORE = re.compile(r"<!--more(.*?)?-->")
NEXTPAGE = re.compile(r"<!--nextpage-->")
TAG = re.compile(r"<[^>]*>")


def has_blocks(text):
    return "<!-- wp:" in text


def remove_block_comments(text):
    return BLOCK_COMMENT.sub("", text)


def split_more(text):
    """(teaser, whole text without the marker): the ``<!--more-->`` split."""
    match = MORE.search(text)
    if not match:
        return "", text
    return text[: match.start()], text[: match.start()] + text[match.end() :]


def _replace_in_tags(text, old, new):
    return TAG.sub(lambda m: m.group(0).replace(old, new), text)


def wpautop(text, br=True):
    """Port of WordPress's ``wpautop()``: double line breaks become paragraphs."""
    if not text.strip():
        return ""
    pre_tags = {}
    text = text + "\n"
    if "<pre" in text:
        parts = text.split("</pre>")
        last = parts.pop()
        text = ""
        for number, part in enumerate(parts):
            start = part.find("<pre")
            if start == -1:
                text += part
                continue
            name = f"<pre wp-pre-tag-{number}></pre>"
            pre_tags[name] = part[start:] + "</pre>"
            text += part[:start] + name
        text += last
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = re.sub(r"(<" + ALLBLOCKS + r"[\s/>])", r"\n\n\1", text)
    text = re.sub(r"(</" + ALLBLOCKS + r">)", r"\1\n\n", text)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _replace_in_tags(text, "\n", " <!-- wpnl --> ")
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text)
        text = re.sub(r"</option>\s*", "</option>", text)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", r"\1", text)
        text = re.sub(r"\s*</object>", "</object>", text)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    pieces = [p for p in re.split(r"\n\s*\n", text) if p]
    text = "".join("<p>" + piece.strip("\n") + "</p>\n" for piece in pieces)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(r"<p>\s*(</?" + ALLBLOCKS + r"[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(r"<p>\s*(</?" + ALLBLOCKS + r"[^>]*>)", r"\1", text)
    text = re.sub(r"(</?" + ALLBLOCKS + r"[^>]*>)\s*</p>", r"\1", text)
    if br:
        text = re.sub(
            r"<(script|style|svg|math).*?</\1>",
            lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"),
            text,
            flags=re.S,
        )
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
        text = text.replace("<WPPreserveNewline />", "\n")
    text = re.sub(r"(</?" + ALLBLOCKS + r"[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for name, original in pre_tags.items():
        text = text.replace(name, original)
    if "<!-- wpnl -->" in text:
        text = text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")
    return text


def shortcode_unautop(text, names):
    """Unwrap ``<p>[shortcode]</p>`` as WordPress does for registered shortcodes."""
    pattern = re.compile(
        r"<p>\s*(\[(" + "|".join(names) + r")(?![\w-])[^\]]*\]"
        r"(?:(?:(?!</?p>).)*?\[/\2\])?)\s*(?:<br />\s*)?</p>",
        re.S,
    )
    return pattern.sub(r"\1", text)


def shortcode_regex(names):
    """WordPress's ``get_shortcode_regex()`` (possessive quantifiers need Python 3.11)."""
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(
        r"\[(\[?)(" + alternatives + r")(?![\w-])([^\]/]*(?:/(?!\])[^\]/]*)*?)"
        r"(?:(/)\]|\](?:([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\])?)(\]?)",
        re.S,
    )


ATTRS = re.compile(
    r"([\w-]+)\s*=\s*\"([^\"]*)\"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"
    r"|([\w-]+)\s*=\s*([^\s'\"]+)(?:\s|$)|\"([^\"]*)\"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"
)


def shortcode_attrs(text):
    """WordPress's ``shortcode_parse_atts()``: named attributes by lower-case name."""
    attrs, positional = {}, []
    text = re.sub(r"[\u00a0\u200b]", " ", text)
    for match in ATTRS.finditer(text):
        groups = match.groups()
        if groups[0]:
            attrs[groups[0].lower()] = groups[1]
        elif groups[2]:
            attrs[groups[2].lower()] = groups[3]
        elif groups[4]:
            attrs[groups[4].lower()] = groups[5]
        else:
            value = next((g for g in groups[6:] if g is not None), "")
            positional.append(value)
    return attrs, positional


def do_shortcodes(text, handlers):
    """Replace each known shortcode with its handler's HTML; ``[[x]]`` stays ``[x]``."""
    pattern = shortcode_regex(list(handlers))

    def replace(match):
        if match.group(1) == "[" and match.group(6) == "]":
            return match.group(0)[1:-1]
        attrs, positional = shortcode_attrs(match.group(3) or "")
        content = match.group(5)
        body = handlers[match.group(2)](attrs, content, positional)
        return match.group(1) + body + match.group(6)

    return pattern.sub(replace, text)


UNKNOWN_SHORTCODE = re.compile(r"(?<!\[)\[([a-zA-Z][\w-]*)(?:\s[^\]]*)?\](?!\()")


def unknown_shortcodes(text, known=()):
    """Names of bracketed words that look like shortcodes WordPress had plugins for."""
    found = {m.group(1) for m in UNKNOWN_SHORTCODE.finditer(TAG.sub("", text))}
    return sorted(found - set(known))
