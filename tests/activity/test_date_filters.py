"""Django's ``date`` and ``time`` filters, remembered (``activity.templatetags.dates``): the same
strings as Django's own, in the reader's language and time zone."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.template import defaultfilters as django_filters
from django.utils import timezone, translation

from activity.templatetags import dates

MOMENT = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize("language", ["en", "es", "ru", "ar"])
@pytest.mark.parametrize(
    "value, arg",
    [
        (date(2026, 2, 3), "DATE_FORMAT"),
        (date(2026, 2, 3), "SHORT_DATE_FORMAT"),
        (date(2026, 2, 3), "D j M Y"),
        (MOMENT, "DATE_FORMAT"),
        (MOMENT, "j F Y"),
        (MOMENT, "DATETIME_FORMAT"),
        (MOMENT, "SHORT_DATETIME_FORMAT"),
        (MOMENT, "N j, Y, P e"),
        (None, "DATE_FORMAT"),
        ("", "DATE_FORMAT"),
    ],
)
def test_the_strings_are_djangos_own(language, value, arg):
    with translation.override(language), timezone.override("America/Guatemala"):
        local = timezone.localtime(value) if isinstance(value, datetime) else value
        assert render("{{ value|date:arg }}", value=value, arg=arg) == str(
            django_filters.date(local, arg)
        )


def test_a_date_reads_in_the_language_of_each_reader_not_the_first():
    day = date(2026, 2, 3)
    with translation.override("en"):
        assert render('{{ day|date:"DATE_FORMAT" }}', day=day) == "3 February 2026"
    with translation.override("es"):
        assert render('{{ day|date:"DATE_FORMAT" }}', day=day) == "3 de febrero de 2026"
    with translation.override("en"):
        assert render('{{ day|date:"DATE_FORMAT" }}', day=day) == "3 February 2026"


def test_the_same_moment_reads_on_each_readers_clock():
    with translation.override("en"):
        with timezone.override("America/Guatemala"):
            assert render('{{ at|date:"SHORT_DATETIME_FORMAT" }}', at=MOMENT) == "2026-11-29 19:30"
        with timezone.override("Asia/Baghdad"):
            assert render('{{ at|date:"SHORT_DATETIME_FORMAT" }}', at=MOMENT) == "2026-11-30 04:30"
            assert render('{{ at|date:"e" }}', at=MOMENT) == "+03"
        with timezone.override("America/Guatemala"):
            assert render('{{ at|date:"e" }}', at=MOMENT) == "CST"


def test_a_moment_shown_as_a_day_is_the_day_on_the_readers_clock():
    """Moments shown as a day share the day's string: the reader's day, not the server's."""
    late = datetime(2026, 11, 30, 5, 59, tzinfo=UTC)  # 23:59 on the 29th in Guatemala
    with translation.override("en"), timezone.override("America/Guatemala"):
        days = render(
            '{{ a|date:"DATE_FORMAT" }}|{{ b|date:"DATE_FORMAT" }}|{{ c|date:"j F Y, H:i" }}',
            a=MOMENT,
            b=late,
            c=late,
        )
    assert days == "29 November 2026|29 November 2026|29 November 2026, 23:59"


def test_every_template_uses_the_remembered_filters():
    node = Template('{{ at|date:"DATE_FORMAT" }}{{ at|time }}').nodelist
    assert [f[0] for v in node for f in v.filter_expression.filters] == [dates.date, dates.time]


def test_time_and_default_work_as_djangos():
    with translation.override("en"), timezone.override(ZoneInfo("Asia/Baghdad")):
        assert render('{{ at|time:"H:i" }}', at=MOMENT) == "04:30"
        assert render('{{ t|time:"TIME_FORMAT" }}', t=time(9, 5)) == "09:05"
        assert render('{{ missing|date:"DATE_FORMAT"|default:"—" }}', missing=None) == "—"
