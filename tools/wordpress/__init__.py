"""Move the firm's WordPress blog over: ``make import WXR=export.xml [MEDIA=uploads/]``.

One module per concern: ``wxr`` reads the export, ``autop`` and ``body`` turn post
bodies into what WordPress showed and then into Markdown, ``media`` copies uploads,
``addresses`` keeps every old address working, ``comments`` fills Isso's database,
``writer`` writes the content files and ``report`` says what was carried over.
"""
