"""staffblog: the career-advice blog's Pelican plugin, one module per concern.

``register()`` connects the few receivers that must act while Pelican reads or before it
writes; everything else happens in ``build.SiteBuild``, in the order written there.
"""

from pelican import signals

from . import build, drafts, preview, reader


def register():
    signals.initialized.connect(reader.trust_content_cache)
    signals.readers_init.connect(reader.use_staffblog_reader)
    signals.article_generator_pretaxonomy.connect(build.articles_read)
    signals.page_generator_finalized.connect(build.pages_read)
    signals.generator_init.connect(build.keep_compiled_templates)
    signals.get_generators.connect(build.get_generators)
    signals.all_generators_finalized.connect(drafts.drop_empty_tags)
    signals.static_generator_finalized.connect(drafts.withhold_pictures)
    signals.get_writer.connect(preview.get_writer)
