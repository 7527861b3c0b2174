"""A post's card is the same HTML on each of the ~7 listing pages showing it (home, tags,
categories, authors): it is rendered once per build and SITEURL (which RELATIVE_URLS makes
differ from page to page), from the build's context, never a page's own variables."""

from jinja2 import pass_context


class ArticleCards:
    def __init__(self, env, context):
        self.env, self.context, self.macros, self.cards = env, context, {}, {}

    @pass_context
    def render(self, page_context, article, heading_level):  # the theme's article_card()
        siteurl = page_context.get("SITEURL", "")
        if siteurl not in self.macros:
            template = self.env.get_template("partials/article_card.html")
            module = template.make_module({**self.context, "SITEURL": siteurl})
            self.macros[siteurl] = module.article_card
        key = (article, heading_level, siteurl)
        if key not in self.cards:
            self.cards[key] = self.macros[siteurl](article, heading_level)
        return self.cards[key]
