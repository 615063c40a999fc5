"""Claimed tallies: a group's own weekly count of attacks."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract import extract_texts

CASES = [
    ("Last week, ISIS claimed in its weekly propaganda newspaper al-Naba that its militants had carried out 28 "
     "attacks in Iraq between July 16 and 22 alone – mainly in Diyala.", date(2020, 7, 29),
     dict(claimant="ISIS", medium="al-Naba", attacks=28, period_start=date(2020, 7, 16),
          period_end=date(2020, 7, 22), country_code="IQ", main_province_code="IQ-DI")),
    ("On Thursday, ISIS weekly propaganda al-Naba newspaper claimed its militants had carried out 23 attacks in "
     "Iraq between July 9 and 15 alone – mainly in Diyala.", date(2020, 7, 20),
     dict(claimant="ISIS", medium="al-Naba", attacks=23, period_start=date(2020, 7, 9),
          period_end=date(2020, 7, 15), country_code="IQ", main_province_code="IQ-DI")),
    ("The Islamic State said in al-Naba that it carried out thirty-one operations in Iraq from 2 to 8 October, "
     "most of them in Kirkuk.", date(2020, 10, 10),
     dict(claimant="ISIS", attacks=31, period_start=date(2020, 10, 2), period_end=date(2020, 10, 8),
          main_province_code="IQ-KI")),
]


@pytest.mark.parametrize("text, published, expected", CASES, ids=lambda x: str(x)[:30])
def test_weekly_claims(text, published, expected):
    rows = extract_texts([text], [published]).claimed_tallies.to_dicts()
    assert len(rows) == 1
    row = rows[0]
    for key, value in expected.items():
        assert row[key] == value, (key, row)
    assert text[row["char_start"]:row["char_end"]] == row["evidence"]


def test_tallies_are_not_incidents_and_counts_of_attacks_without_a_claim_are_not_tallies():
    claim = CASES[0][0]
    ex = extract_texts([claim, "Kirkuk saw 12 attacks in June, police records show."],
                       [date(2020, 7, 29), date(2020, 7, 29)])
    assert ex.incident_reports.height == 0
    assert ex.claimed_tallies["article_id"].to_list() == ["0"]
