"""Mentions: exact spans, longest match, case and context rules, provinces, persons."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract import extract_texts


def _mentions(text: str) -> list[dict]:
    frame = extract_texts([text], [date(2020, 7, 20)]).mentions.sort("char_start")
    rows = frame.to_dicts()
    for r in rows:
        assert text[r["char_start"]:r["char_end"]] == r["text"], r
    return rows


def _by_text(rows: list[dict]) -> dict[str, dict]:
    return {r["text"]: r for r in rows}


def test_offsets_are_code_points_in_non_ascii_text():
    text = ("Iraq’s defence ministry – in Erbil on Monday – met the KRG’s Ministry of Peshmerga Affairs. "
            "“We are here in Mosul,” said Brigadier General Yehia Rasool.")
    rows = _mentions(text)
    names = {(r["entity_type"], r["entity_name"]) for r in rows}
    assert ("place", "Erbil") in names and ("place", "Mosul") in names
    assert ("organisation", "Ministry of Peshmerga") in names
    assert ("person", "Yehia Rasool") in names


def test_longest_alias_wins():
    rows = _mentions("A delegation from the Iraqi Ministry of Defense arrived in Erbil.")
    orgs = [r for r in rows if r["entity_type"] == "organisation"]
    assert [r["text"] for r in orgs] == ["Iraqi Ministry of Defense"]


def test_case_sensitive_acronym_is_not_the_verb():
    rows = _mentions("This is what IS militants did in Hit, and it is a hit on the town.")
    isis = [r for r in rows if r["entity_name"] == "ISIS"]
    assert len(isis) == 1 and isis[0]["text"].startswith("IS")
    hits = [r for r in rows if r["entity_type"] == "place" and r["province_code"] == "IQ-AN"]
    assert [r["text"] for r in hits] == ["Hit"]


def test_context_dependent_place_needs_a_locative_cue():
    with_cue = _mentions("Gunmen attacked a checkpoint near Samara on Monday.")
    without = _mentions("Samara said the talks went well.")
    assert any(r["province_code"] == "IQ-SD" for r in with_cue)
    assert not any(r["entity_type"] == "place" for r in without)


@pytest.mark.parametrize("surface, code", [
    ("Mosul", "IQ-NI"), ("Khanaqin", "IQ-DI"), ("Tarmiyah", "IQ-BG"), ("Fallujah", "IQ-AN"),
    ("Tuz Khurmatu", "IQ-SD"), ("Makhmour", "IQ-AR"), ("Hawija", "IQ-KI"), ("Sinjar", "IQ-NI"),
])
def test_places_resolve_to_their_province(surface, code):
    rows = _mentions(f"Clashes were reported in {surface} on Sunday.")
    places = [r for r in rows if r["entity_type"] == "place"]
    assert places and places[0]["province_code"] == code and places[0]["place_type"] is not None


def test_region_spanning_provinces_has_no_province():
    rows = _by_text(_mentions("Refugees fled to the Kurdistan Region and the Hamrin Mountains."))
    assert rows["Kurdistan Region"]["province_code"] is None
    hamrin = next(r for t, r in rows.items() if t.startswith("Hamrin"))
    assert hamrin["province_code"] is None


def test_persons_from_titles_appositions_and_speech():
    text = ("Kurdistan Region Security Council (KRSC) Chancellor Masrour Barzani received Deputy Special Envoy to "
            "the Global Coalition to Defeat ISIS Ambassador William Roebuck in his office in Erbil. "
            "Prime Minister of the Kurdistan Region Masrour Barzani met Secretary of State Mike Pompeo. "
            "Jabar Yawar, chief of staff at the Ministry of Peshmerga Affairs, warned of attacks. "
            "Faris Issa told Rudaw English on Wednesday that talks went well. "
            "Col. Myles Caggins III said the rooms will open. Iraqi Army Chief of Staff Lie. Gen. Abdul Amir "
            "Rashid Yarallah said so too.")
    persons = {r["entity_name"] for r in _mentions(text) if r["entity_type"] == "person"}
    assert persons == {"Masrour Barzani", "William Roebuck", "Mike Pompeo", "Jabar Yawar", "Faris Issa",
                       "Myles Caggins III", "Abdul Amir Rashid Yarallah"}


def test_surnames_resolve_to_the_most_recent_full_name():
    text = ("Chancellor Masrour Barzani met the envoy. Barzani stressed reconstruction. "
            "Sirwan Barzani, a Peshmerga commander, told Rudaw the talks were close. “We agree,” Barzani said. "
            "Interior minister Othman al-Ghanimi flew into Erbil. Ghanimi met KRG officials.")
    rows = [r for r in _mentions(text) if r["entity_type"] == "person"]
    resolved = [(r["text"], r["entity_name"]) for r in rows]
    assert resolved == [
        ("Masrour Barzani", "Masrour Barzani"), ("Barzani", "Masrour Barzani"),
        ("Sirwan Barzani", "Sirwan Barzani"), ("Barzani", "Sirwan Barzani"),
        ("Othman al-Ghanimi", "Othman al-Ghanimi"), ("Ghanimi", "Othman al-Ghanimi"),
    ]


def test_spelling_variants_of_one_name_are_one_person():
    text = ("The delegation will be headed by Lieutenant General Abdul-Amir Yarallah. The meeting was attended "
            "by Lieutenant General Abdul Amir Yarallah and Major General Qaraman Sheikh Kamal.")
    names = [r["entity_name"] for r in _mentions(text) if r["entity_type"] == "person"]
    assert names == ["Abdul-Amir Yarallah", "Abdul-Amir Yarallah", "Qaraman Sheikh Kamal"]


def test_mentions_carry_sentence_index_and_ids_are_stable():
    text = "Gunmen attacked Kirkuk. Then they fled to Diyala."
    first = extract_texts([text], [None]).mentions
    again = extract_texts([text], [None]).mentions
    assert first["mention_id"].to_list() == again["mention_id"].to_list()
    assert first["mention_id"].n_unique() == first.height
    by_name = dict(zip(first["entity_name"], first["sentence_idx"]))
    assert by_name["Kirkuk"] == 0 and by_name["Diyala"] == 1


def test_non_english_articles_are_skipped():
    import polars as pl

    from pipeline.clean import sentences_frame
    from pipeline.extract import extract_all

    articles = pl.DataFrame({
        "article_id": ["a", "b"], "body": ["Gunmen attacked Kirkuk.", "Des hommes armés ont attaqué Kirkouk."],
        "published_at": [date(2020, 1, 1)] * 2, "language": ["en", "fr"],
    })
    ex = extract_all(articles, sentences_frame(articles))
    assert set(ex.mentions["article_id"]) == {"a"}
    assert set(ex.incident_reports["article_id"]) <= {"a"}
