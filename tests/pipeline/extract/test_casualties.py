"""Casualty grammar: killed / wounded / kidnapped counts of one sentence."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.casualties import CasualtyCounts, casualty_counts
from pipeline.settings import SAMPLE_ARTICLES_DIR
from tests.labelled import labelled_rows


def kwk(text: str) -> tuple[int | None, int | None, int | None]:
    c = casualty_counts(text)
    return c.killed, c.wounded, c.kidnapped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # enumerations: "a"/"an"/"one" each count one person
        ("ISIS militants attacked a village in Khanaqin, Diyala province, killing a Peshmerga "
         "soldier, one civilian, and an Iraqi army officer, and wounding seven.", (3, 7, None)),
        ("Militants killed two Iraqi soldiers and a Peshmerga fighter near Kirkuk.", (3, None, None)),
        ("ISIS militants killed a farmer and his son.", (2, None, None)),
        ("An IED blast killed a child and injured his mother.", (1, 1, None)),
        ("The bus crash killed all four passengers.", (4, None, None)),
        ("A suicide bomber killed himself and two others.", (3, None, None)),
        # passive / stative
        ("two soldiers were killed and four wounded when a convoy hit an IED", (2, 4, None)),
        ("Ten Popular Mobilization Forces (PMF, or Hashd al Shaabi in Arabic) fighters were "
         "killed in a five-pronged assault in Salahaddin on May 2.", (10, None, None)),
        ("At least 3 people were killed and 5 others were injured in the blast.", (3, 5, None)),
        ("At least two soldiers were killed and three others were injured in the blast.", (2, 3, None)),
        ("Two policemen died in the explosion.", (2, None, None)),
        ("Five members of the Hashd were martyred in the attack.", (5, None, None)),
        ("Four civilians sustained injuries in the attack.", (None, 4, None)),
        ("Four people, including two children, were killed.", (4, None, None)),
        ("Around 20 ISIS militants were killed in airstrikes, the coalition said.", (20, None, None)),
        ("more than 100 ISIS militants have been killed in the Qarachogh and Makhmour", (100, None, None)),
        ("Three wounded soldiers were taken to hospital.", (None, 3, None)),
        ("Two Peshmerga fighters were killed and another was wounded when ISIS attacked.", (2, 1, None)),
        ("At least one person was killed and another wounded.", (1, 1, None)),
        # coordinated subjects add up
        ("Two soldiers and a civilian were killed in the blast.", (3, None, None)),
        ("Three policemen, two soldiers and a child were wounded.", (None, 6, None)),
        ("A soldier and a civilian were killed.", (2, None, None)),
        ("Two soldiers and three civilians killed in Diyala", (5, None, None)),
        ("Two gunmen and a suicide bomber killed three people.", (3, None, None)),
        ("Between 2014 and 2017, 5 soldiers and 2 civilians were killed.", (7, None, None)),
        ("All four passengers were killed.", (4, None, None)),
        ("The attack killed 3 and wounded 2, while 4 others were kidnapped.", (3, 2, 4)),
        # a singular subject is one person
        ("The victim was found dead.", (1, None, None)),
        ("A policeman was also wounded.", (None, 1, None)),
        ("A soldier later succumbed to his wounds.", (1, None, None)),
        ("An Iraqi counter-terrorism officer was assassinated by gunmen outside his home.", (1, None, None)),
        ("He was killed in 2017.", (1, None, None)),
        # active
        ("militants killed three federal police officers and wounded two others", (3, 2, None)),
        ("The extremist group killed commander of Brigade 59 of the Iraqi Army, Brigadier "
         "General Ali Hameed Ghaydan, after militants attacked his convoy.", (1, None, None)),
        ("The Iraqi army said it killed its leader, Abu Bakr.", (1, None, None)),
        ("The gunmen fled after killing 2 and injuring 4.", (2, 4, None)),
        ("Assailants killed a civilian.", (1, None, None)),
        ("Two gunmen killed a civilian in Mosul.", (1, None, None)),
        ("Assailants opened fire on a checkpoint in Tikrit, Saladin governorate, Iraq, killing "
         "one civilian.", (1, None, None)),
        ("Unknown gunmen shot dead a mukhtar in Hawija.", (1, None, None)),
        ("ISIS executed three men accused of spying.", (3, None, None)),
        ("The attack killed twenty-eight people and wounded one hundred and five.", (28, 105, None)),
        ("The attack killed 5 people, including 2 children.", (5, None, None)),
        ("Iraqi forces killed dozens of ISIS militants.", (12, None, None)),
        # nominal
        ("The attacks have resulted in at least ten deaths among various Iraqi forces.", (10, None, None)),
        ("The blast left 3 dead and 5 wounded.", (3, 5, None)),
        ("The attack left two police officers dead and three others injured.", (2, 3, None)),
        ("3 killed, 5 injured in Kirkuk blast", (3, 5, None)),
        ("The attack caused two fatalities.", (2, None, None)),
        ("The bombing, claiming the lives of four, was claimed by ISIS.", (4, None, None)),
        ("Residents mourned the death of a shepherd.", (1, None, None)),
        ("following the assassination of two top Iranian and Iraqi commanders in a US strike", (2, None, None)),
        ("Security forces found the bodies of four shepherds.", (4, None, None)),
        ("The death toll rose to 12 on Tuesday.", (12, None, None)),
        # kidnapping
        ("Militants kidnapped four shepherds near Tuz Khurmatu.", (None, None, 4)),
        ("Gunmen abducted two men from a village.", (None, None, 2)),
        ("Three truck drivers were abducted on the highway.", (None, None, 3)),
        ("Five villagers were taken hostage.", (None, None, 5)),
        ("The gunmen took five people hostage.", (None, None, 5)),
        ("The kidnapping of two men was reported.", (None, None, 2)),
        ("Gunmen kidnapped a mukhtar from the village of Tal al-Dhahab.", (None, None, 1)),
        # explicit zero, only where stated, and never over a stated count
        ("No casualties were reported.", (0, 0, None)),
        ("The device exploded without casualties.", (0, 0, None)),
        ("No one was hurt in the attack.", (0, 0, None)),
        ("Two soldiers were wounded but no one was killed.", (0, 2, None)),
        ("The attack caused no injuries, but two soldiers were killed.", (2, 0, None)),
        ("Casualties were not reported.", (None, None, None)),
        ("There were no immediate reports of casualties.", (None, None, None)),
        ("No casualty figures were given.", (None, None, None)),
        # a stated but uncounted number stays None
        ("Several soldiers were killed.", (None, None, None)),
        ("Iraqi forces killed ISIS militants in the Hamrin mountains.", (None, None, None)),
        ("The number of people killed was not disclosed.", (None, None, None)),
    ],
)
def test_constructions(text, expected):
    assert kwk(text) == expected


# GTD summaries and wire copy: subordinate clauses, asides, appositions, partitives.
REPORT_SENTENCES = [
    ("Assailants attacked a Popular Mobilization Forces (PMF) checkpoint in Tarmiyah district, Baghdad governorate, Iraq. At least one PMF member was killed and two others were wounded in the attack.", (1,2,None)),
    ("An explosive device detonated targeting a vehicle carrying Sahwa members in Baiji, Saladin governorate, Iraq. Three people were killed and one person was injured in the blast.", (3,1,None)),
    ("Assailants abducted 15 civilians from Hawija district, Kirkuk governorate, Iraq.", (None,None,15)),
    ("A suicide bomber detonated an explosives-laden belt at a mosque in Baghdad city. At least 27 people, including the assailant, were killed and 54 others were wounded.", (27,54,None)),
    ("The victims included four children.", (None,None,None)),
    ("Two civilians were killed and seven others injured when a bomb went off.", (2,7,None)),
    ("The bodies of two kidnapped shepherds were found in Tuz Khurmatu.", (2,None,None)),
    ("ISIS militants beheaded a man accused of spying.", (1,None,None)),
    ("A sniper shot and killed a soldier at a checkpoint.", (1,None,None)),
    ("Two soldiers were shot dead by unknown gunmen.", (2,None,None)),
    ("Four members of one family were killed when militants stormed their home.", (4,None,None)),
    ("The Peshmerga said one of its fighters was killed and three were wounded.", (1,3,None)),
    ("One soldier was killed and three others sustained injuries.", (1,3,None)),
    ("Security sources said eight ISIS militants were killed in the airstrike.", (8,None,None)),
    ("An ISIS attack killed a PMF fighter and injured two others on Monday night.", (1,2,None)),
    ("A roadside bomb exploded near an army patrol, injuring three soldiers.", (None,3,None)),
    ("The explosion resulted in the death of two soldiers and the injury of four others.", (2,4,None)),
    ("The attack left one soldier dead.", (1,None,None)),
    ("Two farmers were killed by a landmine left over from the war.", (2,None,None)),
    ("Militants killed the mukhtar of the village.", (1,None,None)),
    ("Gunmen killed an army officer and his driver.", (2,None,None)),
    ("Three soldiers were wounded, one of them seriously.", (None,3,None)),
    ("An Iraqi soldier was killed and another was wounded.", (1,1,None)),
    ("The clashes left 12 militants dead.", (12,None,None)),
    ("Five ISIS members were arrested and two were killed.", (2,None,None)),
    ("Coalition airstrikes killed 14 ISIS militants in the Hamrin mountains.", (14,None,None)),
    ("An IED killed two and wounded eight.", (2,8,None)),
    ("A Katyusha rocket struck the base, causing no casualties.", (0,0,None)),
    ("There were no casualties.", (0,0,None)),
    ("ISIS kidnapped 20 people in the attack and killed five of them.", (5,None,20)),
    ("Gunmen kidnapped and killed a shepherd.", (1,None,None)),
    ("A suicide bomber blew himself up, killing 12 people.", (12,None,None)),
    ("Two people died and five were wounded in the attack.", (2,5,None)),
    ("More than a dozen people were wounded.", (None,12,None)),
    ("Dozens were killed or wounded.", (None,None,None)),
    ("Nine Iraqi soldiers lost their lives in the ambush.", (9,None,None)),
    ("The attack claimed the lives of three policemen.", (3,None,None)),
    ("ISIS militants killed 11 people, including six members of the Iraqi security forces.", (11,None,None)),
    ("The number of dead rose to 35.", (None,None,None)),
    ("The death toll from the bombing has risen to 35.", (35,None,None)),
    ("In 2017, more than 5,000 fighters of the group were killed, officials said.", (5000,None,None)),
    ("ISIS killed 1,700 cadets at Camp Speicher in June 2014.", (1700,None,None)),
    ("The group has lost 80 percent of its fighters.", (None,None,None)),
    ("Over the past two weeks, three soldiers have been killed.", (3,None,None)),
    ("Within 24 hours, four civilians were wounded.", (None,4,None)),
    ("The 2 soldiers killed on Monday were buried.", (2,None,None)),
    ("ISIS carried out 28 attacks, killing 13 people.", (13,None,None)),
    ("At 9 pm two policemen were wounded.", (None,2,None)),
    ("The attack on Route 1 wounded three.", (None,3,None)),
    ("Two years ago, ISIS killed 40 people in the same village.", (40,None,None)),
    ("Three days after the attack, the wounded soldier died.", (1,None,None)),
    ("He told reporters that five people had been killed.", (5,None,None)),
    ("Police said 3 of the wounded were in critical condition.", (None,None,None)),
    ("A 20-year-old man was shot dead.", (1,None,None)),
    ("Twenty-two people were injured.", (None,22,None)),
    ("Up to 30 people may have been killed.", (30,None,None)),
    ("One hundred and fifty people were killed.", (150,None,None)),
    ("The blast killed between 10 and 15 people.", (10,None,None)),
    ("Some 200 families fled after militants killed a tribal elder.", (1,None,None)),
    ("Iraq has 18 provinces and 3 were attacked.", (None,None,None)),
    ("Militants wounded Colonel Ahmed Hassan, the police chief.", (None,1,None)),
    ("The 5th Brigade lost two soldiers.", (None,None,None)),
    ("ISIS killed at least 9 people and kidnapped 6 others in two villages.", (9,None,6)),
    ("Five rockets hit the base, wounding one US contractor.", (None,1,None)),
    ("No one claimed responsibility for the attack, which killed 4.", (4,None,None)),
    ("They killed him.", (1,None,None)),
]


@pytest.mark.parametrize(("text", "expected"), REPORT_SENTENCES)
def test_report_sentences(text, expected):
    assert kwk(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The US has provided the Peshmerga with military and financial support, as well as "
        "training an estimated 40,000 fighters as part of the global counter-ISIS coalition.",
        "ISIS is returning with 14- to 18,000 members fighting for the group between Syria and Iraq.",
        "It welcomed the withdrawals in a 33-minute recording released on Telegram on May 28.",
        "They launched a five-pronged assault on the positions of Brigade 59.",
        "Its militants had carried out 28 attacks in Iraq between July 16 and 22 alone.",
        "Unemployment rose to 40 percent and 3 million dollars were lost.",
        "In 2014 militants were killed in large numbers.",
        "The explosion killed 5 percent of the herd.",
        "The delegation will be headed by a general who plans to kill the project.",
        "Security forces arrested three suspected ISIS members during a raid in Fallujah.",
        "international forces handed control of six other military bases to the Iraqis",
        "An attack on Peshmerga positions in Maydan on December 28, 2019 resulted in heavy losses.",
    ],
)
def test_numbers_that_are_not_casualties(text):
    c = casualty_counts(text)
    assert (c.killed, c.wounded, c.kidnapped, c.casualties) == (None, None, None, None)


def test_casualties_are_not_killed():
    c = casualty_counts("The clashes caused four casualties.")
    assert (c.killed, c.wounded, c.casualties) == (None, None, 4)
    c = casualty_counts("The attacks killed or wounded 12 people.")
    assert (c.killed, c.wounded, c.casualties) == (None, None, 12)


def test_spans_point_at_the_numbers():
    text = ("On May 15, two soldiers were killed and four wounded when a convoy hit an "
            "improvised explosive device (IED) in northern Baghdad province.")
    c = casualty_counts(text)
    assert [(text[s:e], role) for s, e, role in c.spans] == [("two", "killed"), ("four", "wounded")]
    text = "killing a Peshmerga soldier, one civilian, and an Iraqi army officer, and wounding seven"
    c = casualty_counts(text)
    assert [(text[s:e], role) for s, e, role in c.spans] == [
        ("a Peshmerga soldier", "killed"), ("one", "killed"),
        ("an Iraqi army officer", "killed"), ("seven", "wounded"),
    ]
    text = "At least 3 people were killed."
    assert [text[s:e] for s, e, _ in casualty_counts(text).spans] == ["At least 3"]


def test_sentence_without_casualty_words_is_empty():
    assert casualty_counts("Barzani met Roebuck in Erbil on Tuesday.") == CasualtyCounts(None, None, None, ())


@pytest.mark.parametrize("row", labelled_rows())
def test_labelled_incident_reports(row):
    """Every labelled report (several sentences, GTD and press style) reads as labelled."""
    c = casualty_counts(row["text"])
    as_str = lambda v: "" if v is None else str(v)  # noqa: E731
    assert (as_str(c.killed), as_str(c.wounded)) == (row["killed"], row["wounded"])


def _sentences(body: str):
    for m in re.finditer(r"[^.!?\n]+(?:[.!?]+|$)", body):
        yield m.group(0)


def test_sample_articles_only_count_real_casualties():
    """Over every sentence of the five sample articles, only the attacks count."""
    counted = {}
    for path in sorted(SAMPLE_ARTICLES_DIR.glob("*.txt")):
        for sent in _sentences(path.read_text(encoding="utf-8")):
            c = casualty_counts(sent)
            if (c.killed, c.wounded, c.kidnapped, c.casualties) != (None, None, None, None):
                counted[sent.strip()[:60]] = (c.killed, c.wounded, c.kidnapped)
    assert sorted(counted.values(), key=str) == sorted(
        [(3, 7, None), (10, None, None), (1, None, None), (2, 4, None), (10, None, None),
         (3, 2, None), (100, None, None), (2, None, None)],
        key=str,
    ), counted


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz ,.;()-0123456789") + [
        " killed ", " were ", " wounded ", " two ", " a ", " no one was hurt ", " at least ",
        " dozens ", " kidnapped ", " the ", " soldiers ", " and ", " 1,200 ", " deaths ",
        " casualties ", " taken hostage ", " Brigade ", " twenty-eight ", " of "]),
    max_size=80).map("".join))
def test_arbitrary_text(text):
    c = casualty_counts(text)
    for v in (c.killed, c.wounded, c.kidnapped, c.casualties):
        assert v is None or (isinstance(v, int) and v >= 0)
    for s, e, role in c.spans:
        assert 0 <= s < e <= len(text)
        assert role in ("killed", "wounded", "kidnapped", "casualties")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode(text):
    c = casualty_counts(text)
    assert all(0 <= s < e <= len(text) for s, e, _ in c.spans)


def test_the_year_of_a_full_date_is_not_the_count_that_follows_it():
    c = casualty_counts("An attack by Daesh militants on Peshmerga positions in Maydan on December 28, 2019 "
                        "resulted in at least eight deaths among Peshmerga soldiers.")
    assert (c.killed, c.wounded) == (8, None)
