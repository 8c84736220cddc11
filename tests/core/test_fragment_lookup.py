"""``fragment_cache.lookup``/``keep``: a fragment read with its versions in one round
trip is given back only while every version it was kept under is current."""

import pytest
from django.core.cache import cache

from core import fragment_cache

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _kept(*parts, others=()):
    return fragment_cache.lookup("test-kind", *parts, depends=("a", "b"), others=others)


def test_kept_until_any_version_it_depends_on_changes():
    assert _kept(1).value is None
    fragment_cache.keep(_kept(1), "one")
    assert _kept(1).value == "one"
    fragment_cache.changed("b")
    assert _kept(1).value is None
    fragment_cache.keep(_kept(1), "two")
    assert _kept(1).value == "two"
    fragment_cache.changed("a")
    assert _kept(1).value is None


def test_parts_keep_their_own_fragment_and_others_are_read_alongside():
    fragment_cache.keep(_kept(1), "one")
    assert _kept(2).value is None
    cache.set("plain", "content")
    found = _kept(1, others=("plain", "absent"))
    assert found.value == "one" and found.others == {"plain": "content", "absent": None}


def test_a_fragment_rendered_before_a_change_is_not_read_after_it():
    looked_up = _kept(1)  # the lookup, then the rows change, then the render is kept
    fragment_cache.changed("a")
    fragment_cache.keep(looked_up, "stale")
    assert _kept(1).value is None


def test_an_emptied_cache_starts_the_versions_afresh():
    fragment_cache.keep(_kept(1), "one")
    cache.delete(fragment_cache.PREFIX + "a")
    assert _kept(1).value is None
    fragment_cache.keep(_kept(1), "again")
    assert _kept(1).value == "again"
