"""Incident grammar on short, GTD/ACLED-style incident descriptions across Iraq's provinces.

Each text tells one incident: follow-up sentences (casualties, claims, attributions) attach to
it. Expected values are what the text states; a count the text does not give is None.
"""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract import extract_texts

U = "unknown"

# (text, published, expected fields)
ONE_INCIDENT = [
    ("08/03/2016: An explosive device detonated near a market in Baqubah city, Diyala governorate, Iraq. "
     "Three civilians were killed and nine others were injured in the blast. No group claimed responsibility "
     "for the incident.", date(2016, 8, 4),
     dict(event_type="bombing", perpetrator=U, province_code="IQ-DI", killed=3, wounded=9, event_date=date(2016, 8, 3))),
    ("On 14 March 2019, IS militants opened fire on a Popular Mobilization Forces checkpoint near Shirqat "
     "(Salah al-Din). Two PMF members were killed.", date(2019, 3, 15),
     dict(event_type="armed_assault", perpetrator="ISIS", province_code="IQ-SD", killed=2, wounded=None,
          event_date=date(2019, 3, 14))),
    ("A suicide bomber blew himself up among worshippers at a mosque in Tal Afar, Nineveh province, on Friday, "
     "killing 12 people and wounding 20 others.", date(2017, 6, 10),
     dict(event_type="suicide_bombing", perpetrator=U, province_code="IQ-NI", killed=12, wounded=20,
          event_date=date(2017, 6, 9))),
    ("11/02/2018: Assailants abducted three shepherds near Rutba town, Anbar governorate, Iraq. Sources attributed "
     "the abduction to the Islamic State of Iraq and the Levant (ISIL).", date(2018, 11, 3),
     dict(event_type="kidnapping", perpetrator="ISIS", perpetrator_basis="attributed", province_code="IQ-AN",
          kidnapped=3, killed=None)),
    ("Mortar shells fired by Islamic State militants landed on a residential area of Tuz Khurmatu in Salahaddin "
     "province, wounding four civilians.", date(2018, 4, 2),
     dict(event_type="bombing", perpetrator="ISIS", province_code="IQ-SD", wounded=4, killed=None)),
    ("On 2 February 2021, an ISIS sniper shot dead an Iraqi army soldier at a checkpoint in Hawija district "
     "(Kirkuk).", date(2021, 2, 3),
     dict(event_type="armed_assault", perpetrator="ISIS", province_code="IQ-KI", killed=1)),
    ("Unidentified gunmen assassinated a member of the Anbar provincial council in Ramadi on Tuesday night.",
     date(2019, 10, 17),
     dict(event_type="assassination", perpetrator=U, province_code="IQ-AN", target_type="government")),
    ("Two policemen were wounded when a roadside bomb exploded near their patrol in the Tarmiyah district north "
     "of Baghdad.", date(2020, 9, 1),
     dict(event_type="bombing", perpetrator=U, province_code="IQ-BG", wounded=2, killed=None, target_type="police")),
    ("ISIS militants set fire to wheat fields in the villages of Daquq district, south of Kirkuk, on Sunday.",
     date(2019, 5, 20),
     dict(event_type="arson", perpetrator="ISIS", province_code="IQ-KI", killed=None)),
    ("Islamic State fighters executed five civilians accused of collaborating with the security forces in the "
     "western Anbar town of Qaim.", date(2016, 1, 5),
     dict(event_type="execution", perpetrator="ISIS", province_code="IQ-AN", killed=5)),
    ("A car bomb exploded at a checkpoint in Sadr City, Baghdad, killing seven people and injuring 15, police said. "
     "ISIS later claimed responsibility for the attack.", date(2016, 7, 4),
     dict(event_type="bombing", perpetrator="ISIS", perpetrator_basis="claimed", province_code="IQ-BG", killed=7,
          wounded=15)),
    ("On 9 July 2020, ISIS militants attacked a Peshmerga position near Makhmour (Erbil). One Peshmerga fighter "
     "was killed and two were wounded.", date(2020, 7, 10),
     dict(event_type="armed_assault", perpetrator="ISIS", province_code="IQ-AR", killed=1, wounded=2,
          target_type="military", event_date=date(2020, 7, 9))),
    ("Iraqi warplanes bombed ISIS hideouts in the Hamrin mountains, killing ten militants, the Security Media "
     "Cell said.", date(2020, 3, 1),
     # the Hamrin range spans three provinces: no governorate
     dict(event_type="airstrike", perpetrator="Iraqi Air Force", province_code=None, killed=10)),
    ("Iraqi security forces arrested four suspected ISIS members in a raid on a hideout in Jurf al-Sakhar, "
     "Babil province.", date(2019, 2, 11),
     dict(event_type="security_operation", perpetrator="Iraqi Security Forces", province_code="IQ-BB")),
    ("06/21/2017: Gunmen opened fire on a vehicle carrying members of a family near Muqdadiyah, Diyala "
     "governorate, Iraq. Four people were killed in the attack. No group claimed responsibility for the "
     "incident.", date(2017, 6, 22),
     dict(event_type="armed_assault", perpetrator=U, province_code="IQ-DI", killed=4, wounded=None)),
    ("Two soldiers were killed and three others wounded when Islamic State militants ambushed an army convoy "
     "near Baiji, Salahaddin, on Monday.", date(2020, 4, 21),
     dict(event_type="armed_assault", perpetrator="ISIS", province_code="IQ-SD", killed=2, wounded=3,
          event_date=date(2020, 4, 20))),
    ("An improvised explosive device struck a Federal Police vehicle in Abu Ghraib, west of Baghdad, killing "
     "one officer.", date(2018, 12, 2),
     dict(event_type="bombing", perpetrator=U, province_code="IQ-BG", killed=1, target_type="police")),
    ("A suicide car bomber targeted a security checkpoint at the entrance of Fallujah, Anbar province, killing "
     "three soldiers and wounding six.", date(2016, 3, 9),
     dict(event_type="suicide_bombing", province_code="IQ-AN", killed=3, wounded=6)),
    ("Katyusha rockets struck near the US embassy in Baghdad's Green Zone late on Sunday; no casualties were "
     "reported.", date(2020, 1, 27),
     dict(event_type="bombing", province_code="IQ-BG", killed=0, wounded=0)),
    ("Unknown gunmen kidnapped a government employee in Tikrit on Wednesday, security sources said.",
     date(2019, 9, 12),
     dict(event_type="kidnapping", perpetrator=U, province_code="IQ-SD", kidnapped=1)),
    ("12/05/2015: Assailants stormed a house in Sinjar district, Nineveh governorate, Iraq, and killed two "
     "Yazidi civilians. The Islamic State of Iraq and the Levant (ISIL) claimed responsibility for the "
     "incident.", date(2015, 12, 6),
     dict(event_type="armed_assault", perpetrator="ISIS", perpetrator_basis="claimed", province_code="IQ-NI",
          killed=2)),
    ("At least six people were killed and 14 wounded when twin bombs exploded in a crowded market in Hillah, "
     "the capital of Babil province.", date(2017, 4, 30),
     dict(event_type="bombing", province_code="IQ-BB", killed=6, wounded=14, target_type="civilians")),
    ("A landmine exploded in the Qayyarah area south of Mosul, killing a farmer.", date(2019, 8, 14),
     dict(event_type="bombing", province_code="IQ-NI", killed=1, wounded=None)),
    ("A suicide bomber wearing an explosive vest attacked a Shiite pilgrimage procession in Karbala, killing "
     "eight pilgrims.", date(2016, 11, 25),
     dict(event_type="suicide_bombing", province_code="IQ-KA", killed=8)),
    ("A bomb planted on a motorcycle went off in Kirkuk city on Thursday, wounding five people, including two "
     "policemen.", date(2020, 10, 16),
     dict(event_type="bombing", province_code="IQ-KI", wounded=5, killed=None)),
    ("On 20 August 2020, unidentified gunmen attacked a house in Al-Dibis subdistrict (Kirkuk), killing a "
     "civilian.", date(2020, 8, 21),
     dict(event_type="armed_assault", perpetrator=U, province_code="IQ-KI", killed=1,
          event_date=date(2020, 8, 20))),
    ("Gunmen opened fire on an oil company convoy in Basra province, wounding three employees.", date(2019, 1, 8),
     dict(event_type="armed_assault", province_code="IQ-BA", wounded=3, killed=None)),
    ("Security forces killed three ISIS militants in a clash in the Wadi al-Shay area of Kirkuk province.",
     date(2020, 6, 2),
     dict(event_type="security_operation", perpetrator="Iraqi Security Forces", province_code="IQ-KI", killed=3)),
    ("A roadside bomb hit a Peshmerga vehicle in Garmiyan, Sulaymaniyah province, wounding two Peshmerga "
     "fighters; no group claimed the attack.", date(2020, 11, 3),
     dict(event_type="bombing", perpetrator=U, province_code="IQ-SU", wounded=2, target_type="military")),
    ("Gunmen killed a local mukhtar in Jalawla, Diyala province, late on Saturday.", date(2020, 5, 31),
     dict(event_type="assassination", perpetrator=U, province_code="IQ-DI", killed=1)),
    ("ISIS militants attacked an army checkpoint in Tarmiyah, north of Baghdad, killing an officer and two "
     "soldiers, a military source said.", date(2020, 3, 4),
     # the source who speaks is no casualty
     dict(event_type="armed_assault", perpetrator="ISIS", province_code="IQ-BG", killed=3, target_type="military")),
    ("On 21 January 2021, two suicide bombers detonated themselves in Tayaran Square in central Baghdad, killing "
     "32 people and wounding over 110 others. IS claimed responsibility for the attack.", date(2021, 1, 22),
     dict(event_type="suicide_bombing", perpetrator="ISIS", perpetrator_basis="claimed", province_code="IQ-BG",
          killed=32, wounded=110, event_date=date(2021, 1, 21))),
    ("On 15 June 2020, Iraqi security forces conducted an operation against IS remnants in the Wadi Hauran area "
     "(Rutba, Anbar), killing 4 IS militants.", date(2020, 6, 16),
     dict(event_type="security_operation", perpetrator="Iraqi Security Forces", province_code="IQ-AN", killed=4,
          target_type="militants")),
    ("Two rockets landed near Baghdad airport on Tuesday night, causing no casualties.", date(2020, 6, 3),
     dict(event_type="bombing", perpetrator=U, province_code="IQ-BG", killed=0, wounded=0,
          event_date=date(2020, 6, 2))),
    ("Clashes erupted between IS militants and the Iraqi army near Tuz Khurmatu, Salahaddin, leaving two "
     "soldiers dead.", date(2020, 6, 3),
     dict(event_type="armed_assault", perpetrator="ISIS", province_code="IQ-SD", killed=2, target_type="military")),
    ("Eleven people, mostly women and children, were abducted by ISIS militants from a village near Hawija in "
     "Kirkuk governorate.", date(2016, 2, 3),
     dict(event_type="kidnapping", perpetrator="ISIS", province_code="IQ-KI", kidnapped=11)),
]


@pytest.fixture(scope="module")
def one_incident_results():
    texts = [t for t, _, _ in ONE_INCIDENT]
    published = [p for _, p, _ in ONE_INCIDENT]
    return extract_texts(texts, published).incident_reports


@pytest.mark.parametrize("case", range(len(ONE_INCIDENT)), ids=lambda i: ONE_INCIDENT[i][0][:40])
def test_one_incident_per_description(one_incident_results, case):
    text, _, expected = ONE_INCIDENT[case]
    rows = one_incident_results.filter(one_incident_results["article_id"] == str(case)).to_dicts()
    assert len(rows) == 1, rows
    row = rows[0]
    for key, value in expected.items():
        assert row[key] == value, (key, row)
    # evidence is the exact span of the body
    assert text[row["char_start"]:row["char_end"]] == row["evidence"]


NOT_INCIDENTS = [
    "ISIS has vowed to exploit the drawdown of coalition troops in Iraq.",
    "Remnants of the group have returned to insurgency tactics, ambushing security forces and kidnapping "
    "suspected informants.",
    "Coalition warplanes regularly bomb ISIS hideouts in the province.",
    "ISIS remains a threat, but they are not able to conduct large-scale attacks.",
    "In 2014, ISIS attacked Mosul and seized the city.",
    "During the past two months, more than 100 ISIS militants have been killed in the Qarachogh mountains.",
    "Kirkuk has been subject to a spate of recent ISIS attacks.",
    "Officials warned that the militants could attack polling stations in Diyala next week.",
]


@pytest.mark.parametrize("text", NOT_INCIDENTS, ids=lambda t: t[:40])
def test_threats_habits_history_are_not_incidents(text):
    rows = extract_texts([text], [date(2020, 7, 20)]).incident_reports
    assert rows.height == 0, rows.to_dicts()


def test_two_incidents_in_consecutive_sentences_with_anchored_date():
    text = (
        "Ten Popular Mobilization Forces fighters were killed in a five-pronged assault in Salahaddin on May 2. "
        "On the same day, militants killed three federal police officers and wounded two others in an attack on "
        "Zaghniya police station in Diyala province."
    )
    rows = extract_texts([text], [date(2020, 7, 20)]).incident_reports.sort("char_start").to_dicts()
    assert [(r["province_code"], r["killed"], r["wounded"]) for r in rows] == [("IQ-SD", 10, None), ("IQ-DI", 3, 2)]
    assert [r["event_date"] for r in rows] == [date(2020, 5, 2), date(2020, 5, 2)]
    assert rows[1]["target"].startswith("Federal Police")


def test_generic_gunmen_take_the_group_the_paragraph_is_about():
    text = ("Kirkuk has been subject to a spate of recent ISIS attacks. Gunmen attacked the offices of the "
            "Iraqi Directorate for Counter-Terrorism and Intelligence in Kirkuk city in April.")
    rows = extract_texts([text], [date(2020, 7, 20)]).incident_reports.to_dicts()
    assert len(rows) == 1
    assert rows[0]["perpetrator"] == "ISIS" and rows[0]["perpetrator_basis"] == "attributed"
    assert rows[0]["event_date"] == date(2020, 4, 1) and rows[0]["date_precision"] == "month"


def test_no_publication_date_leaves_relative_dates_unknown():
    text = "On Monday, suspected Islamic State gunmen stormed a village in the westernmost district of Nineveh Province."
    row = extract_texts([text], [None]).incident_reports.to_dicts()[0]
    assert row["event_date"] is None and row["date_precision"] == "unknown"
    assert (row["perpetrator"], row["perpetrator_basis"], row["province_code"]) == ("ISIS", "suspected", "IQ-NI")
    assert row["target_type"] == "civilians"


def test_region_only_mention_gives_no_governorate():
    text = "Gunmen opened fire on a Peshmerga checkpoint in the Kurdistan Region on Sunday, killing a soldier."
    row = extract_texts([text], [date(2020, 7, 20)]).incident_reports.to_dicts()[0]
    assert row["province_code"] is None


def test_kinds_of_attack_listed_after_such_as_are_not_incidents():
    """A list of tactics names no event, even its last item split off by the clause boundary."""
    import datetime as _dt

    from pipeline.extract import extract_texts

    texts = [
        "ISIS sleeper cells continue to conduct insurgent activities such as bombings, ambushes, "
        "kidnappings, extortion, and arson.",
        "Militants attacked several targets, including a checkpoint in Tarmiyah, killing two soldiers.",
    ]
    result = extract_texts(texts, [_dt.date(2020, 7, 1)] * 2)
    rows = result.incident_reports.select("article_id", "event_type", "killed").rows()
    assert [(event_type, killed) for _, event_type, killed in rows] == [("armed_assault", 2)]


# The article frame the wire services use: ISIS is named before the incidents.
_LEAD = "ISIS remains a threat in Iraq's disputed territories, officials say.\n\n"


def _incidents(texts, published=date(2020, 5, 10)):
    result = extract_texts([_LEAD + t for t in texts], [published] * len(texts))
    return {int(r["article_id"]): r for r in result.incident_reports.to_dicts()}


def test_a_determiner_in_the_subject_or_an_earlier_phrase_does_not_make_the_verb_anaphoric():
    """"the" belongs to "the Islamic State" and "On the same day,": the attack verb after it
    tells a new incident, it does not refer back to one."""
    rows = _incidents([
        "Militants of the Islamic State abducted four civilians near Shirqat on March 28, 2020.",
        "Two soldiers were killed in Tarmiyah on Friday. On the same day, gunmen abducted six civilians "
        "near Baquba.",
        "Earlier this month, coalition warplanes struck ISIS hideouts in Hit, killing 10 militants.",
    ])
    assert (rows[0]["event_type"], rows[0]["perpetrator"], rows[0]["event_date"]) == (
        "kidnapping", "ISIS", date(2020, 3, 28))
    second = extract_texts([_LEAD + "Two soldiers were killed in Tarmiyah on Friday. On the same day, gunmen "
                            "abducted six civilians near Baquba."], [date(2020, 5, 10)]).incident_reports
    assert sorted(second["event_type"].to_list()) == ["armed_assault", "kidnapping"]
    assert set(second["event_date"].to_list()) == {date(2020, 5, 8)}
    assert (rows[2]["event_type"], rows[2]["perpetrator"], rows[2]["killed"]) == (
        "airstrike", "Global Coalition to Defeat ISIS", 10)


def test_the_attack_after_an_incident_still_refers_back():
    text = (_LEAD + "A roadside bomb struck an army patrol in Tarmiyah on Friday. Two soldiers were killed in "
            "the attack.")
    rows = extract_texts([text], [date(2020, 5, 10)]).incident_reports.to_dicts()
    assert [(r["event_type"], r["killed"]) for r in rows] == [("bombing", 2)]


def test_in_recent_weeks_dates_one_event_vaguely_but_marks_a_sum_when_events_are_summed():
    rows = _incidents([
        "In recent weeks, ISIS militants abducted more than four farmers near Abbara in Diyala province.",
        "ISIS militants have killed 20 civilians in recent weeks in Diyala.",
        "In recent weeks, ISIS carried out several attacks on army posts in Anbar.",
    ])
    assert list(rows) == [0]
    assert (rows[0]["event_type"], rows[0]["event_date"], rows[0]["date_precision"]) == (
        "kidnapping", None, "unknown")


def test_the_act_not_the_attackers_noun_decides_the_type():
    rows = _incidents([
        "Gunmen torched several houses in Mutasim on Sunday.",
        "Gunmen killed a farmer in Tarmiyah on Sunday.",
        "ISIS gunmen stormed a village in Hawija, torching several houses.",
    ])
    assert [rows[i]["event_type"] for i in range(3)] == ["arson", "armed_assault", "armed_assault"]


def test_one_prominent_person_shot_dead_is_an_assassination():
    rows = _incidents([
        "Late on Sunday, Daesh militants shot dead a tribal leader in Baladiyat, northeast of Baghdad.",
        "An ISIS cell shot dead an intelligence officer in Shamiya in Diwaniyah province.",
        "Daesh militants shot dead two farmers in the Hamrin area of Diyala province.",
        "Militants attacked a village in Shwan, killing a tribal leader, one civilian and a soldier.",
    ])
    assert [rows[i]["event_type"] for i in range(4)] == [
        "assassination", "assassination", "armed_assault", "armed_assault"]


def test_a_force_whose_vehicle_hit_a_bomb_is_the_target_not_the_bomber():
    rows = _incidents([
        "Four PMF fighters were killed and six wounded when a PMF vehicle hit an improvised explosive device "
        "(IED) in Tikrit, Salahuddin province.",
        "Five federal policemen were killed when a federal police patrol struck a roadside bomb in Dibis.",
    ])
    assert [(r["event_type"], r["perpetrator"], r["killed"]) for r in rows.values()] == [
        ("bombing", "ISIS", 4), ("bombing", "ISIS", 5)]
    assert [r["perpetrator_basis"] for r in rows.values()] == ["attributed", "attributed"]


def test_is_as_a_name_is_no_passive_auxiliary():
    """With case folding "IS militants killed" would read as the passive "is ... killed"."""
    rows = _incidents([
        "IS militants killed six Peshmerga soldiers and wounded 6 others in an attack on Peshmerga positions "
        "in Chibayish, Dhi Qar province early on Monday.",
    ])
    assert (rows[0]["perpetrator"], rows[0]["perpetrator_basis"], rows[0]["killed"], rows[0]["wounded"]) == (
        "ISIS", "stated", 6, 6)


def test_an_operations_command_is_an_institution_not_an_operation():
    rows = _incidents([
        "Joint Operations Command spokesman Haider Rasool met Maj. Gen. Dilshad Zebari in Erbil on May 3 to "
        "discuss border security.",
        "The Baghdad Operations Command said security forces launched a military operation in Tarmiyah.",
    ])
    assert list(rows) == [1]
    assert rows[1]["event_type"] == "security_operation"


def test_the_militants_doing_more_continue_their_incident():
    text = (_LEAD + "ISIS militants stormed a village in Hawija on Monday, killing three civilians. The militants "
            "torched several houses before fleeing.")
    rows = extract_texts([text], [date(2020, 5, 10)]).incident_reports.to_dicts()
    assert [(r["event_type"], r["killed"]) for r in rows] == [("armed_assault", 3)]


def test_the_force_after_by_gunmen_on_is_the_target():
    text = ("Peshmerga forces are deployed along the front.\n\nFive Peshmerga soldiers were killed and ten wounded "
            "in an attack by gunmen on Peshmerga positions in Tal Afar, Nineveh province on June 1.")
    row = extract_texts([text], [date(2020, 6, 10)]).incident_reports.to_dicts()[0]
    assert (row["perpetrator"], row["killed"], row["wounded"]) == ("unknown", 5, 10)
