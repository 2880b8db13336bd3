"""The agreements pages, by stage: drafting and negotiating MoUs (``mous``), signing them
(``signing``), and the public verification of a signed copy (``public``)."""
