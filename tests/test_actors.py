"""Tests of toolkit.actors: the dictionary (loading, errors with lines), each matching rule,
offsets, roll-up, candidates. Every expected value is worked out by hand in a comment."""

from __future__ import annotations

import pickle
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from toolkit.actors import find_candidates, find_mentions, load_actors, parse_actors, roll_up_mentions
from toolkit.errors import DictionaryError

ROOT = Path(__file__).resolve().parents[1]

SMALL = textwrap.dedent("""\
    actors:
      - id: TUR
        name: Turkey
        type: country
        aliases: [Turkey, Turkish, Turks, Ankara]
      - id: ERDOGAN
        name: Recep Tayyip Erdogan
        type: person
        member_of: TUR
        aliases: [Erdogan, Tayyip Erdogan, Recep Tayyip Erdogan]
      - id: REB
        name: Syrian rebels
        type: group
        aliases: [rebels, rebel fighters, Syrian rebels, militants]
    """)


def d(text: str):
    return parse_actors(textwrap.dedent(text), file="test.yml")


def sents(*texts, doc="d", start=0):
    """A sentences table for one document whose sentences are separated by one space."""
    rows, pos = [], start
    for i, text in enumerate(texts):
        rows.append({"doc_id": doc, "sent_id": i, "paragraph_id": 0, "start": pos, "end": pos + len(text), "text": text})
        pos += len(text) + 1
    return pd.DataFrame(rows)


def found(dictionary, *texts):
    """(surface text, actor) of every mention, in order."""
    s = sents(*texts)
    full = " ".join(texts)
    m = find_mentions(s, dictionary)
    return [(full[a:b], actor) for a, b, actor in zip(m["start"], m["end"], m["actor"])]


# --------------------------------------------------------------------------- loading


def test_simple_form_loads_into_three_tables():
    dictionary = d(SMALL)
    assert dictionary.actors[["actor", "name", "type"]].values.tolist() == [
        ["TUR", "Turkey", "country"], ["ERDOGAN", "Recep Tayyip Erdogan", "person"], ["REB", "Syrian rebels", "group"]]
    # 4 + 3 + 4 aliases
    assert len(dictionary.aliases) == 11
    assert dictionary.aliases.set_index("alias").loc["militants", "case_sensitive"] == False  # noqa: E712
    assert dictionary.aliases.set_index("alias").loc["Turks", "case_sensitive"] == True  # noqa: E712
    assert dictionary.memberships[["actor", "member_of"]].values.tolist() == [["ERDOGAN", "TUR"]]
    assert dictionary.memberships["start"].isna().all() and dictionary.memberships["end"].isna().all()
    # lines are 1-based: the TUR entry starts on line 2, "Turkey" alias on line 5
    assert dictionary.actors.set_index("actor").loc["TUR", "line"] == 2
    assert dictionary.aliases.set_index("alias").loc["Turkey", "line"] == 5


def test_defaults_extra_keys_and_plain_text_scalars():
    dictionary = d("""\
        actors:
          - id: NOR
            aliases: [NO, Norway]
            wikidata: Q20
          - id: X
            name: Example Org
        """)
    # name defaults to the id; without aliases the name is the alias; NO stays "NO" (not False)
    assert dictionary.actors["name"].tolist() == ["NOR", "Example Org"]
    assert dictionary.aliases["alias"].tolist() == ["NO", "Norway", "Example Org"]
    assert dictionary.actors["wikidata"].tolist() == ["Q20", ""]


def test_dated_memberships_parse():
    dictionary = d("""\
        actors:
          - id: EGY
            aliases: [Egypt]
          - id: MB
            aliases: [Muslim Brotherhood]
          - id: MORSI
            member_of:
              - {id: EGY, role: President, from: 2012-06-30, until: 2013-07-03}
              - MB
            aliases: [Morsi]
        """)
    m = dictionary.memberships
    assert m["member_of"].tolist() == ["EGY", "MB"]
    assert m["role"].tolist() == ["President", ""]
    assert m["start"].iloc[0] == pd.Timestamp("2012-06-30") and m["end"].iloc[0] == pd.Timestamp("2013-07-03")
    assert pd.isna(m["start"].iloc[1])


@pytest.mark.parametrize("text, line, words", [
    # duplicate id: the second TUR is on line 4
    ("actors:\n  - id: TUR\n    aliases: [Turkey]\n  - id: TUR\n    aliases: [Ankara]\n", 4, "duplicate id 'TUR'"),
    # the same alias in two actors: the second 'Ankara' is on line 5
    ("actors:\n  - id: TUR\n    aliases: [Ankara]\n  - id: GOV\n    aliases: [Ankara]\n", 5, "already claimed by 'TUR'"),
    # an all-lowercase alias matches any case, so it collides with 'Rebels' of another actor
    ("actors:\n  - id: A\n    aliases: [Rebels]\n  - id: B\n    aliases:\n      - rebels\n", 6, "already claimed by 'A'"),
    ("actors:\n  - id: ERD\n    member_of: TRK\n    aliases: [Erdogan]\n", 3, "unknown member_of 'TRK'"),
    ("actors:\n  - id: TUR\n    aliases:\n      - Turkey\n      - ''\n", 5, "empty alias"),
    ("actors:\n  - id: TUR\n    aliases:\n      - Turkey\n      -\n", 5, "empty alias"),
    ("actors:\n  - id: TUR\n    aliases: [Turkey\n  - id: X\n", 4, "not valid YAML"),
    ("actors:\n  - id: A\n    member_of: B\n  - id: B\n    member_of: A\n", 5, "circular member_of"),
    ("actors:\n  - id: A\n  - id: B\n    member_of: {id: A, from: 2011-02-30}\n", 4, "not a valid date"),
    ("actors:\n  - id: A\n  - id: B\n    member_of: {id: A, from: 2012, until: 2011}\n", 4, "is after"),
    ("actors:\n  - name: Turkey\n", 2, "without an 'id'"),
    ("actors:\n  - id: A\n    id: B\n", 3, "the key 'id' twice"),
    ("actor:\n  - id: A\n", 1, "no 'actors:'"),
    ("actors:\n  - id: A\n    aliases: [America]\nignore: [America]\n", 4, "in 'ignore' is already claimed by 'A'"),
])
def test_errors_name_the_line(text, line, words):
    with pytest.raises(DictionaryError) as err:
        parse_actors(text, file="bad.yml")
    assert err.value.line == line
    assert err.value.file == "bad.yml"
    assert words in str(err.value)
    assert str(err.value).startswith(f"bad.yml:{line}: ")


def test_same_alias_twice_in_one_actor_is_harmless():
    dictionary = d("actors:\n  - id: TUR\n    aliases: [Turkey, Turkey, turks, Turks]\n")
    # the repeated "Turkey" is dropped; "turks" and "Turks" belong to the same actor: no conflict
    assert dictionary.aliases["alias"].tolist() == ["Turkey", "turks", "Turks"]


def test_load_actors_reads_files_and_reports_missing_ones(tmp_path):
    path = tmp_path / "actors.yml"
    path.write_text(SMALL, encoding="utf-8")
    assert len(load_actors(path).actors) == 3
    with pytest.raises(DictionaryError, match="cannot read"):
        load_actors(tmp_path / "missing.yml")
    path.write_text("actors:\n  - id: A\n    aliases: [A, A]\n  - id: B\n    aliases: [A]\n", encoding="utf-8")
    with pytest.raises(DictionaryError) as err:
        load_actors(path)
    assert err.value.line == 5 and err.value.file == str(path)


def test_shipped_dictionary_is_valid_and_large_enough():
    dictionary = load_actors(ROOT / "corpus" / "actors.yml")
    assert len(dictionary.actors) >= 60
    assert len(dictionary.aliases) >= 300
    assert {"TUR", "RUS", "SYR", "USA", "IRN", "UN", "NATO", "ARAB_LEAGUE", "EU", "ISIS", "AQ", "NUSRA",
            "HEZBOLLAH", "FSA", "KURDS", "GADDAFI", "ASSAD", "MUBARAK", "MORSI", "ERDOGAN", "PUTIN", "OBAMA",
            "TRUMP"} <= set(dictionary.actors["actor"])


def test_dictionary_pickles_and_matching_is_deterministic():
    dictionary = d(SMALL)
    again = pickle.loads(pickle.dumps(dictionary))
    s = sents("Turkish-backed rebels met Erdogan.")
    assert find_mentions(s, again).equals(find_mentions(s, dictionary))
    assert again.fingerprint == dictionary.fingerprint


# --------------------------------------------------------------------------- matching rules

RULES = d("""\
    actors:
      - id: USA
        aliases: [US, U.S., United States, America]
      - id: TUR
        aliases: [Turkey, Turkish, Ankara]
      - id: SYR
        aliases: [Syria, Syrian]
      - id: SYR_GOV
        aliases: [Syrian government, Syrian government forces]
      - id: REB
        aliases: [rebels, syrian rebels]
      - id: ASSAD
        aliases: [Assad]
      - id: PKK
        aliases: [Kurdistan Workers' Party]
    ignore: [Latin America]
    """)


def test_capitalised_alias_matches_that_capitalisation_only():
    # "US" and "Turkey" are written with capitals: "us", "Us", "turkey" are other words
    assert found(RULES, "Let us go.", "Us too.", "A turkey dinner.") == []
    assert found(RULES, "The US and Turkey.") == [("US", "USA"), ("Turkey", "TUR")]


def test_lowercase_alias_matches_any_case():
    assert found(RULES, "rebels, Rebels and REBELS.") == [("rebels", "REB"), ("Rebels", "REB"), ("REBELS", "REB")]


def test_whole_words_only():
    # "US" inside USA / BUS / US2, "Syria" inside "Syrias", "Assad" inside "Assadist": no match
    assert found(RULES, "USA, a BUS, US2, Syrias, Assadist, rebelsX.") == []


def test_longest_alias_wins():
    # at "Syrian" three aliases start; the longest that fits wins each time
    assert found(RULES, "Syrian government forces advanced.") == [("Syrian government forces", "SYR_GOV")]
    assert found(RULES, "The Syrian government said.") == [("Syrian government", "SYR_GOV")]
    assert found(RULES, "Syrian troops.") == [("Syrian", "SYR")]
    # "syrian rebels" is all-lowercase (any case), "Syrian" is case-sensitive: the longer wins
    assert found(RULES, "Syrian rebels fired.") == [("Syrian rebels", "REB")]


def test_possessives_with_either_apostrophe_and_tokenised():
    assert found(RULES, "Turkey's army.", "Ankara’s view.", "Assad 's forces.") == [
        ("Turkey", "TUR"), ("Ankara", "TUR"), ("Assad", "ASSAD")]


def test_hyphenated_compounds():
    assert found(RULES, "Turkish-backed rebels at the Turkish-Syrian border with US-made arms, anti-Assad.") == [
        ("Turkish", "TUR"), ("rebels", "REB"), ("Turkish", "TUR"), ("Syrian", "SYR"), ("US", "USA"), ("Assad", "ASSAD")]


def test_dotted_alias_and_spacing_and_curly_apostrophe():
    # "U.S." ends in a dot; a double space or a line break inside a multi-word alias still matches;
    # the straight apostrophe of the alias matches the curly one of the text
    assert found(RULES, "The U.S. said.", "The United  States said.", "The Kurdistan Workers’ Party.") == [
        ("U.S.", "USA"), ("United  States", "USA"), ("Kurdistan Workers’ Party", "PKK")]


def test_ignored_phrases_take_the_text_and_are_dropped():
    assert found(RULES, "Latin America and America.") == [("America", "USA")]


def test_case_over_match_falls_back_to_the_longest_valid_alias():
    dictionary = d("""\
        actors:
          - id: SYR
            aliases: [Syrian]
          - id: ARMY
            aliases: [Syrian Army, free syrian army]
        """)
    # "Syrian army" is not "Syrian Army" (capital A): the pattern tries it, then "Syrian" is kept
    assert found(dictionary, "The Syrian army.") == [("Syrian", "SYR")]
    assert found(dictionary, "The Syrian Army.") == [("Syrian Army", "ARMY")]
    assert found(dictionary, "The Free Syrian Army.") == [("Free Syrian Army", "ARMY")]


def test_offsets_index_the_document_text():
    text = "Header line.\n\nTurkey and Ankara’s allies. Later, the US spoke."
    s = pd.DataFrame({"doc_id": ["a", "a", "a"], "sent_id": [0, 1, 2], "paragraph_id": [0, 1, 1],
                      "start": [0, 14, 42], "end": [12, 41, 62],
                      "text": ["Header line.", "Turkey and Ankara’s allies.", "Later, the US spoke."]})
    m = find_mentions(s, RULES)
    # Turkey: 14 + 0 .. 14 + 6; Ankara: 14 + 11 .. 14 + 17; US: 42 + 11 .. 42 + 13
    assert m[["sent_id", "actor", "alias", "start", "end"]].values.tolist() == [
        [1, "TUR", "Turkey", 14, 20], [1, "TUR", "Ankara", 25, 31], [2, "USA", "US", 53, 55]]
    assert [text[a:b] for a, b in zip(m["start"], m["end"])] == ["Turkey", "Ankara", "US"]
    assert list(m.columns) == ["doc_id", "sent_id", "actor", "alias", "start", "end"]


def test_empty_and_mention_free_inputs():
    empty = find_mentions(pd.DataFrame({"doc_id": [], "sent_id": [], "start": [], "text": []}), RULES)
    assert list(empty.columns) == ["doc_id", "sent_id", "actor", "alias", "start", "end"] and empty.empty
    assert find_mentions(sents("Nothing here."), RULES).empty


def test_input_is_not_mutated():
    s = sents("Turkey and Syria.")
    before = s.copy()
    find_mentions(s, RULES, roll_up=True)
    assert s.equals(before)


# --------------------------------------------------------------------------- roll-up

DATED = d("""\
    actors:
      - id: EGY
        aliases: [Egypt]
      - id: MB
        aliases: [Brotherhood]
      - id: SYR
        aliases: [Syria]
      - id: SYR_GOV
        member_of: SYR
        aliases: [Syrian government]
      - id: ASSAD
        member_of: SYR_GOV
        aliases: [Assad]
      - id: MUBARAK
        member_of: {id: EGY, from: 1981-10-14, until: 2011-02-11}
        aliases: [Mubarak]
      - id: MORSI
        member_of:
          - {id: EGY, from: 2012-06-30, until: 2013-07-03}
          - MB
        aliases: [Morsi]
    """)


def test_roll_up_follows_memberships_to_the_top_and_respects_dates():
    s = pd.concat([sents("Mubarak and Morsi and Assad.", doc="d2010"),
                   sents("Mubarak and Morsi and Assad.", doc="d2012")], ignore_index=True)
    m = find_mentions(s, DATED)
    docs = pd.DataFrame({"doc_id": ["d2010", "d2012"], "date": pd.to_datetime(["2010-05-01", "2012-08-01"])})
    up = roll_up_mentions(m, DATED, documents=docs)
    # 2010: Mubarak in office -> EGY; Morsi not president, so the next entry (MB) holds;
    #       Assad -> SYR_GOV -> SYR (two levels).
    # 2012: Mubarak out of office -> stays MUBARAK; Morsi president -> EGY; Assad -> SYR.
    assert up["actor"].tolist() == ["EGY", "MB", "SYR", "MUBARAK", "EGY", "SYR"]
    assert up["mentioned"].tolist() == ["MUBARAK", "MORSI", "ASSAD"] * 2
    # rows and other columns unchanged
    assert up[["doc_id", "start", "end"]].equals(m[["doc_id", "start", "end"]])


def test_roll_up_without_dates_takes_every_membership_to_hold():
    m = find_mentions(sents("Mubarak and Morsi."), DATED)
    # the first membership written wins: Mubarak -> EGY, Morsi -> EGY
    assert roll_up_mentions(m, DATED)["actor"].tolist() == ["EGY", "EGY"]


def test_find_mentions_roll_up_uses_a_date_column():
    s = sents("Mubarak spoke.").assign(date=pd.Timestamp("2012-01-01"))
    # Mubarak is out of office in 2012: he stays himself
    assert find_mentions(s, DATED, roll_up=True)[["actor", "mentioned"]].values.tolist() == [["MUBARAK", "MUBARAK"]]


# --------------------------------------------------------------------------- candidates


def test_candidates_are_uncovered_proper_noun_phrases_with_counts_and_examples():
    s = pd.concat([
        sents("The Fuat Oktay office said Turkey agreed.", "Officials met the Anadolu agency.", doc="a"),
        sents("Fuat Oktay and Anadolu again.", "Officials told officials, Fuat Oktay and officials.", doc="b"),
    ], ignore_index=True)
    c = find_candidates(s, RULES, min_count=2)
    # "Fuat Oktay" 3 times (the leading "The" dropped) in 2 articles; "Anadolu" twice in 2.
    # "Turkey" is covered by an alias. "Officials" (2 capitalised) is written in lowercase as
    # often (2 "officials"), so it is an ordinary word opening a sentence, not a name.
    assert c[["candidate", "count", "documents"]].values.tolist() == [["Fuat Oktay", 3, 2], ["Anadolu", 2, 2]]
    assert c["example"].iloc[0] == "The Fuat Oktay office said Turkey agreed."
    assert c[["doc_id", "sent_id"]].iloc[1].tolist() == ["a", 1]
    assert find_candidates(s, RULES, min_count=4).empty
    # with one more lowercase use removed, "Officials" (2 capitalised, 1 lowercase) is proposed
    s.loc[3, "text"] = "Officials told officials, Fuat Oktay and others."
    assert "Officials" in set(find_candidates(s, RULES, min_count=2)["candidate"])


def test_count_mentions_overall_and_by_period():
    from toolkit.actors import count_mentions

    s = pd.concat([sents("Turkey and Turkey.", "Syria.", doc="a"), sents("Turkey.", doc="b")], ignore_index=True)
    m = find_mentions(s, RULES)
    # TUR: 3 mentions in 2 sentences (a0, b0) of 2 articles; SYR: 1 in a1
    assert count_mentions(m)[["actor", "mentions", "sentences", "documents"]].values.tolist() == [
        ["TUR", 3, 2, 2], ["SYR", 1, 1, 1]]
    named = count_mentions(m, d("actors:\n  - id: TUR\n    name: Turkey\n    type: country\n"))
    assert named[["actor", "name", "type"]].values.tolist() == [["TUR", "Turkey", "country"], ["SYR", "SYR", ""]]
    docs = pd.DataFrame({"doc_id": ["a", "b"], "date": pd.to_datetime(["2020-01-05", "2020-02-05"])})
    by_month = count_mentions(m, documents=docs, period="M")
    # January (a): TUR 2 mentions in 1 sentence, SYR 1; February (b): TUR 1
    assert by_month[["period", "actor", "mentions", "sentences"]].values.tolist() == [
        [pd.Timestamp("2020-01-01"), "TUR", 2, 1], [pd.Timestamp("2020-01-01"), "SYR", 1, 1],
        [pd.Timestamp("2020-02-01"), "TUR", 1, 1]]


def test_find_candidates_samples_sentences_above_max_sentences():
    sentences = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "sent_id": [0, 1, 0, 1], "start": [0, 30, 0, 30],
                              "text": ["Fuat Oktay met them."] * 4})
    every = find_candidates(sentences, parse_actors("actors: []"), min_count=1)
    assert every["count"].tolist() == [4] and every.attrs["sampled"] is None  # 4 sentences, one each
    sample = find_candidates(sentences, parse_actors("actors: []"), min_count=1, max_sentences=2, seed=1)
    assert sample.attrs["sampled"] == (2, 4)
    assert sample["count"].tolist() == [2]  # the 2 sentences read
    again = find_candidates(sentences, parse_actors("actors: []"), min_count=1, max_sentences=2, seed=1)
    pd.testing.assert_frame_equal(sample, again)
