"""Percent agreement and Cohen's kappa against examples worked by hand."""

import pytest

from core.agreement import agreement_from_pairs, agreement_from_table


def test_textbook_example_gives_kappa_of_point_four():
    # 50 items: both yes 20, A yes B no 5, A no B yes 10, both no 15.
    # p_o = 35/50 = 0.7; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.2/0.5 = 0.4.
    result = agreement_from_table(
        {("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15}
    )
    assert result.pairs == 50
    assert result.agreed == 35
    assert result.percent == pytest.approx(70.0)
    assert result.kappa == pytest.approx(0.4)
    assert result.kappa_label == "fair"


def test_perfect_agreement_over_two_categories_is_kappa_one():
    result = agreement_from_pairs([("met", "met"), ("not_met", "not_met"), ("met", "met")])
    assert result.percent == pytest.approx(100.0)
    assert result.kappa == pytest.approx(1.0)
    assert result.kappa_label == "almost perfect"


def test_one_category_only_leaves_kappa_undefined_but_agreement_whole():
    result = agreement_from_pairs([("met", "met")] * 4)
    assert result.percent == pytest.approx(100.0)
    assert result.kappa is None
    assert result.kappa_label == "undefined"


def test_systematic_disagreement_is_negative():
    result = agreement_from_pairs([("met", "not_met"), ("not_met", "met")] * 3)
    assert result.percent == pytest.approx(0.0)
    assert result.kappa == pytest.approx(-1.0)
    assert result.kappa_label == "poor"


def test_no_pairs_reports_nothing_rather_than_zero():
    result = agreement_from_table({("met", "met"): 0})
    assert (result.pairs, result.percent, result.kappa) == (0, None, None)


def test_three_categories_use_every_marginal():
    # Rows are rater A, columns rater B; 37 items, 24 on the diagonal.
    # Marginals A = (14, 12, 11), B = (13, 13, 11): p_e = 459/1369, p_o = 888/1369,
    # so kappa = (888 - 459) / (1369 - 459) = 429/910.
    table = {
        ("a", "a"): 10, ("a", "b"): 2, ("a", "c"): 2,
        ("b", "a"): 1, ("b", "b"): 8, ("b", "c"): 3,
        ("c", "a"): 2, ("c", "b"): 3, ("c", "c"): 6,
    }  # fmt: skip
    result = agreement_from_table(table)
    assert result.pairs == 37
    assert result.kappa == pytest.approx(429 / 910)
