"""Templates are read and compiled once per process, not on every page (DEBUG on or off)."""

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader


def test_the_page_templates_are_compiled_once_and_kept():
    loaders = engines["django"].engine.template_loaders  # type: ignore[attr-defined]
    assert [type(loader) for loader in loaders] == [CachedLoader]
    first = engines["django"].get_template("base.html")
    assert engines["django"].get_template("base.html").template is first.template  # type: ignore[attr-defined]
