"""Small pieces: the status list bitstring, baking, the key-encryption check."""

import io

import pytest
from django.core.checks import run_checks
from PIL import Image

from badges import baking
from badges import status_list as bitstring
from tests.badges.helpers import itxt_texts, status_bit


def test_status_list_sets_the_most_significant_bit_first():
    encoded = bitstring.encode(131_072, [0, 9, 131_071])
    raw = bitstring.decode(encoded)
    assert len(raw) == 16_384
    assert raw[0] == 0x80 and raw[1] == 0x40 and raw[-1] == 0x01
    assert [status_bit(encoded, i) for i in (0, 1, 8, 9, 131_071)] == [
        True,
        False,
        False,
        True,
        True,
    ]


def test_status_list_encoding_is_stable():
    assert bitstring.encode(131_072, [5]) == bitstring.encode(131_072, [5])
    assert bitstring.encode(131_072, []).startswith("u")


def tiny_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_baking_replaces_an_existing_chunk_and_keeps_the_image():
    once = baking.bake(tiny_png(), {"openbadges": '{"a": 1}'})
    twice = baking.bake(once, {"openbadges": '{"b": "ü"}'})
    assert itxt_texts(twice) == {"openbadges": ['{"b": "ü"}']}
    assert [kind for kind, _ in baking.iter_chunks(twice)] == [b"IHDR", b"iTXt", b"IDAT", b"IEND"]
    Image.open(io.BytesIO(twice)).load()


def test_baking_refuses_what_is_not_a_png():
    with pytest.raises(ValueError):
        baking.bake(b"GIF89a...", {"openbadges": "{}"})


def test_an_invalid_key_encryption_key_fails_the_system_check(settings):
    settings.BADGES_KEY_ENCRYPTION_KEY = "not-a-fernet-key"
    assert "badges.E001" in [message.id for message in run_checks()]
    settings.BADGES_KEY_ENCRYPTION_KEY = "x" * 44
    assert "badges.E001" in [message.id for message in run_checks()]
