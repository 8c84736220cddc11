"""Amounts and dates follow the reader's language: Spanish dates read as Spanish,
amounts keep the US separators these readers know, English stays as it was."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from credentials.templatetags.money import money
from payments.templatetags.payment_tags import amount

JUNE_3 = datetime.date(2025, 6, 3)


def render(source: str, **context) -> str:
    return Template("{% load i18n %}" + source).render(Context(context))


@pytest.mark.parametrize("language", ["en", "es"])
def test_amounts_keep_us_separators_in_both_languages(language):
    with translation.override(language):
        assert money(125000, "usd") == "$1,250.00"
        assert amount(0, "usd") == "$0.00"
        assert amount(123456789, "eur") == "€1,234,567.89"


def test_a_free_credential_says_so_in_the_readers_language():
    with translation.override("en"):
        assert money(0) == "Free"
    with translation.override("es"):
        assert money(0) == "Gratis"


def test_long_dates_are_written_the_spanish_way():
    source = (
        '{{ day|date:_("F j, Y") }} · {{ day|date:_("l, F j, Y") }} · {{ day|date:_("M j, Y") }}'
    )
    with translation.override("en"):
        assert render(source, day=JUNE_3) == "June 3, 2025 · Tuesday, June 3, 2025 · Jun 3, 2025"
    with translation.override("es"):
        assert render(source, day=JUNE_3) == (
            "3 de junio de 2025 · martes, 3 de junio de 2025 · 3 Jun 2025"
        )


def test_date_and_time_use_a_12_hour_clock_in_spanish_too():
    moment = datetime.datetime(2025, 6, 3, 16, 5, tzinfo=datetime.UTC)
    with translation.override("es"), timezone.override(datetime.UTC):
        assert render('{{ moment|date:_("N j, Y, g:i A") }}', moment=moment) == (
            "3 de junio de 2025, 4:05 p.m."
        )
