import pytest

from submissions.words import count_words, over_limit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        (None, 0),
        ("   \n\t ", 0),
        ("one", 1),
        ("student-led inquiry", 2),
        ("Hello,   world!\nNew line", 4),
        ("3 x 4 = 12", 5),
        ("élèves  apprennent", 2),
        ("a — b", 3),
    ],
)
def test_a_word_is_a_run_of_characters_between_whitespace(text, expected):
    assert count_words(text) == expected


def test_limit_is_inclusive():
    assert not over_limit("one two three", 3)
    assert over_limit("one two three four", 3)


def test_no_limit_means_never_over():
    assert not over_limit("word " * 10_000, None)
    assert not over_limit("word " * 10_000, 0)
