"""The agreements pages, by stage: the clause library and templates MoUs are drafted from
(``library``), drafting and negotiating MoUs (``mous``), signing them (``signing``), and the
public verification of a signed copy (``public``)."""
