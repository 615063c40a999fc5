"""Cooperation events: one row per distinct meeting, visit, agreement or handover."""

from __future__ import annotations

from datetime import date

from pipeline.extract import extract_texts


def _events(text: str, published: date | None = date(2020, 7, 29)) -> list[dict]:
    rows = extract_texts([text], [published]).cooperation_events.sort("char_start").to_dicts()
    for r in rows:
        assert text[r["char_start"]:r["char_end"]] == r["evidence"]
    return rows


def test_a_meeting_told_in_several_sentences_is_one_row_with_the_fuller_telling():
    text = (
        "Iraqi interior minister Othman al-Ghanimi flew into Erbil on Wednesday morning to meet with his "
        "Kurdistan Regional Government (KRG) counterpart.\n"
        "Ghanimi met KRG interior minister Rebar Ahmed to discuss security in the disputed areas, according to "
        "the KRG's representative to Baghdad.\n"
        "\"The main aim of the meeting is to strengthen security cooperation,\" Faris Issa told Rudaw English."
    )
    rows = _events(text)
    assert len(rows) == 1
    row = rows[0]
    assert row["event_type"] == "meeting"
    assert row["evidence"].startswith("Ghanimi met")
    assert set(row["participants"]) >= {"Othman al-Ghanimi", "Rebar Ahmed"}
    assert (row["location"], row["province_code"]) == ("Erbil", "IQ-AR")
    assert (row["event_date"], row["date_precision"]) == (date(2020, 7, 29), "day")
    assert row["coordination_room"] is False


def test_a_separate_later_meeting_is_another_row():
    text = (
        "Chancellor Masrour Barzani received Ambassador William Roebuck in his office in Erbil on Tuesday.\n"
        "Barzani and Maj. Gen. Patrick Roberson had discussed the same threat when they met a week ago.\n"
        "Roebuck and Barzani also discussed coordination in the disputed territories."
    )
    rows = _events(text, None)
    assert [sorted(r["participants"]) for r in rows] == [
        ["Masrour Barzani", "William Roebuck"], ["Masrour Barzani", "Patrick Roberson"]]


def test_agreement_on_rooms_takes_the_room_provinces_stated_elsewhere():
    text = (
        "Iraq's defense ministry and the KRG's Ministry of Peshmerga Affairs agreed earlier this month to "
        "establish three joint coordination rooms between the Iraqi Security Forces and the Peshmerga.\n"
        "The joint coordination rooms will be located in Kirkuk, Diyala, and Nineveh, according to a spokesman."
    )
    rows = _events(text)
    assert len(rows) == 1
    row = rows[0]
    assert row["event_type"] == "agreement" and row["coordination_room"] is True
    assert row["room_provinces"] == ["IQ-KI", "IQ-DI", "IQ-NI"]
    assert {"Iraqi Ministry of Defense", "Ministry of Peshmerga"} <= set(row["organisations"])
    assert (row["event_date"], row["date_precision"]) == (date(2020, 7, 1), "month")


def test_handovers_split_per_clause_and_vague_withdrawals_are_not_events():
    text = (
        "Earlier this year, the US-led coalition withdrew from several Iraqi bases.\n"
        "British troops withdrew from Taji military camp in northern Baghdad and handed over the training "
        "mission to Iraqi security forces earlier this month, while international forces handed control of six "
        "other military bases to the Iraqis in March: Abu Ghraib near Baghdad, K-1 in Kirkuk, al-Qaim near the "
        "Syrian border and al-Taqaddum in Anbar."
    )
    rows = _events(text)
    assert [(r["event_type"], r["event_date"], r["province_code"]) for r in rows] == [
        ("base_handover", date(2020, 7, 1), "IQ-BG"),
        ("base_handover", date(2020, 3, 1), None),
    ]
    assert "British forces" in rows[0]["organisations"]
    assert "Global Coalition to Defeat ISIS" in rows[1]["organisations"]


def test_announced_delegation_visit_goes_to_its_destination():
    text = ("A military delegation from the Iraqi government in Baghdad is set to visit Erbil to discuss "
            "coordination with the Peshmerga.\n"
            "\"The delegation will be headed by Lieutenant General Abdul-Amir Yarallah, head of the joint "
            "coordination committee,\" said Major General Qaraman Sheikh Kamal.")
    rows = _events(text, date(2020, 5, 3))
    assert len(rows) == 1
    row = rows[0]
    assert (row["event_type"], row["location"], row["province_code"]) == ("delegation_visit", "Erbil", "IQ-AR")
    assert "Abdul-Amir Yarallah" in row["participants"]
    assert row["coordination_room"] is True


def test_hopes_and_background_are_not_events():
    text = ("Erbil and Baghdad are very close to reaching an agreement on the disputed areas.\n"
            "The Iraqi army and the Peshmerga had previously reached a joint agreement but it was never "
            "implemented.")
    assert _events(text) == []


def test_named_base_handover_and_led_delegation():
    handover = _events("US forces handed over the K1 air base in Kirkuk to the Iraqi army on Sunday, the coalition "
                       "said.", date(2020, 3, 31))
    assert [(r["event_type"], r["location"], r["province_code"], r["event_date"]) for r in handover] == [
        ("base_handover", "K1 air base", "IQ-KI", date(2020, 3, 29))]
    # the source of the statement is no party to the handover
    assert "Global Coalition to Defeat ISIS" not in handover[0]["organisations"]
    visit = _events("A Peshmerga delegation headed by Jabar Yawar arrived in Baghdad on Monday for talks with the "
                    "Ministry of Defense.", date(2020, 3, 31))
    assert [(r["event_type"], r["participants"], r["province_code"]) for r in visit] == [
        ("delegation_visit", ["Jabar Yawar"], "IQ-BG")]
