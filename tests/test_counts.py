"""Counts kept beside the annotation cache (toolkit.counts): terms per document and lengths."""

import pandas as pd
import pytest

import toolkit
from toolkit.counts import count_kept_ngrams, make_counts, read_lengths, read_terms, read_text_counts


def _write(folder, name, date, text):
    (folder / name).write_text(f"date {date}\n{text}\n", encoding="utf-8")


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    # a: 2 sentences, words war war talks (3) + a comma and 2 full stops = 6 tokens
    _write(folder, "000_a.txt", "2011-01-05", "War, war. Talks.")
    # b: 1 sentence: peace talks (2 words) + 1 full stop = 3 tokens
    _write(folder, "001_b.txt", "2011-02-01", "Peace talks.")
    return folder


def _annotate(corpus, cache):
    return toolkit.annotate(corpus, cache, actors=None, scorers=[], duplicates_threshold=None, boilerplate_min_docs=None)


def test_read_terms_counts_each_document_once(corpus, tmp_path):
    ann = _annotate(corpus, tmp_path / "cache")
    terms = read_terms(ann)
    table = terms.astype({"doc_id": str, "term": str}).sort_values(["doc_id", "term"])
    # a: ","=1 "."=2 talks=1 war=2; b: "."=1 peace=1 talks=1
    assert table[["doc_id", "term", "count"]].values.tolist() == [
        ["000_a", ",", 1], ["000_a", ".", 2], ["000_a", "talks", 1], ["000_a", "war", 2],
        ["001_b", ".", 1], ["001_b", "peace", 1], ["001_b", "talks", 1]]
    assert table["is_punct"].tolist() == [True, True, False, False, True, False, False]
    # the counts were written next to the tokens shards, one per shard
    shards = set(ann.manifest["tables"]["tokens"]["shards"])
    for name in ("terms", "lengths"):
        assert {p.name for p in (ann.path / f"{name}.parquet").glob("part-*")} == shards
    # with more than one shard, the first read also joins them into one file that later reads take
    assert len(shards) == 1 and not list((ann.path / "terms.parquet").glob("all-*"))


def test_counting_terms_from_the_counts_equals_counting_tokens(corpus, tmp_path):
    ann = _annotate(corpus, tmp_path / "cache")
    terms, tokens = read_terms(ann), ann.tokens
    for by in (None, "month", "document"):
        expected = toolkit.count_terms(tokens, by=by, documents=ann.documents)
        pd.testing.assert_frame_equal(toolkit.count_terms(terms, by=by, documents=ann.documents), expected)
    counts = toolkit.count_terms(terms)
    # 5 words: war 2, talks 2 (one in each document), peace 1
    assert counts.set_index("term").loc["talks", ["count", "doc_freq", "total"]].tolist() == [2, 2, 5]
    keywords = toolkit.find_keywords(terms, ["000_a"])
    assert keywords.set_index("term").loc["war", ["target_count", "reference_count"]].tolist() == [2, 0]


def test_read_lengths_equals_measure_documents(corpus, tmp_path):
    ann = _annotate(corpus, tmp_path / "cache")
    lengths = read_lengths(ann)
    assert lengths[["doc_id", "words", "tokens", "sentences"]].values.tolist() == [["000_a", 3, 6, 2], ["001_b", 2, 3, 1]]
    assert "text" not in lengths.columns
    expected = toolkit.measure_documents(ann.documents, ann.tokens, ann.sentences)
    pd.testing.assert_frame_equal(lengths, expected)


def test_counts_follow_a_changed_article(corpus, tmp_path):
    cache = tmp_path / "cache"
    read_terms(_annotate(corpus, cache))
    _write(corpus, "001_b.txt", "2011-02-01", "Peace talks failed.")
    ann = _annotate(corpus, cache)
    terms = read_terms(ann).astype({"doc_id": str, "term": str})
    assert sorted(terms.loc[terms["doc_id"] == "001_b", "term"]) == [".", "failed", "peace", "talks"]
    assert read_lengths(ann)["words"].tolist() == [3, 3]
    # the old article's counts went with its tokens shard
    shards = set(ann.manifest["tables"]["tokens"]["shards"])
    assert {p.name for p in (cache / "terms.parquet").glob("part-*")} <= shards


def test_many_shards_are_read_from_one_joined_file_until_the_cache_changes(corpus, tmp_path):
    for i in range(3):
        _write(corpus, f"00{i + 2}_c{i}.txt", "2011-03-01", f"Troops crossed the border {i}.")
    cache = tmp_path / "cache"
    settings = toolkit.AnnotationSettings(batch_chars=10, duplicates_threshold=None, boilerplate_min_docs=None)
    ann = toolkit.annotate(corpus, cache, settings=settings, actors=None, scorers=[])
    assert len(ann.manifest["tables"]["tokens"]["shards"]) == 5      # one article per shard
    first = read_terms(ann)
    joined = list((cache / "terms.parquet").glob("all-*"))
    assert len(joined) == 1
    pd.testing.assert_frame_equal(read_terms(ann), first)         # read from the joined file
    assert read_lengths(ann)["words"].tolist() == [3, 2, 5, 5, 5]
    _write(corpus, "001_b.txt", "2011-02-01", "Peace talks failed.")
    ann = toolkit.annotate(corpus, cache, settings=settings, actors=None, scorers=[])
    assert not joined[0].exists()                                  # swept: a shard changed
    assert read_lengths(ann)["words"].tolist() == [3, 3, 5, 5, 5]


def test_counts_leave_out_excluded_near_duplicates(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    story = "Troops moved into Idlib on Monday, officials said, and the shelling stopped by the evening."
    _write(folder, "000_a.txt", "2011-01-05", f"{story} Rebels left.")
    _write(folder, "001_b.txt", "2011-01-06", f"{story} Rebels left!")  # a near-duplicate of a
    ann = toolkit.annotate(folder, tmp_path / "cache", actors=None, scorers=[], duplicates_threshold=0.5)
    assert ann.excluded == ["001_b"]
    assert read_lengths(ann)["doc_id"].tolist() == ["000_a"]
    assert set(read_terms(ann)["doc_id"].astype(str)) == {"000_a"}
    # the joined file kept for later reads leaves the near-duplicate out; one with every document is another
    assert set(pd.read_parquet(next((ann.path / "terms.parquet").glob("all-*")))["doc_id"].astype(str)) == {"000_a"}
    everything = toolkit.Annotations(ann.path, all_documents=True)
    assert set(read_terms(everything)["doc_id"].astype(str)) == {"000_a", "001_b"}
    assert set(read_terms(ann)["doc_id"].astype(str)) == {"000_a"}


def test_trends_and_dispersion_of_single_words_from_the_counts(corpus, tmp_path):
    ann = _annotate(corpus, tmp_path / "cache")
    terms, tokens, documents = read_terms(ann), ann.tokens, ann.documents
    trends = toolkit.count_trends(terms, ["talks", "war"], documents=documents, period="month")
    pd.testing.assert_frame_equal(trends, toolkit.count_trends(tokens, ["talks", "war"], documents=documents, period="month"))
    # January: article a, 3 words, talks 1, war 2; February: article b, 2 words, talks 1
    assert trends[["term", "count", "words"]].values.tolist() == [["talks", 1, 3], ["talks", 1, 2], ["war", 2, 3], ["war", 0, 2]]
    dispersion = toolkit.measure_dispersion(terms, ["talks", "w*"])
    pd.testing.assert_frame_equal(dispersion, toolkit.measure_dispersion(tokens, ["talks", "w*"]))
    assert dispersion[["term", "count", "range"]].values.tolist() == [["talks", 2, 2], ["w*", 2, 1]]
    with pytest.raises(ValueError, match="'peace talks' is a phrase: count it from the tokens table"):
        toolkit.count_trends(terms, ["peace talks"], documents=documents)


def test_text_counts_give_the_hygiene_summary_without_the_texts(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    footer = "Comments are closed."
    story = "Troops moved into Idlib on Monday, officials said, and the shelling stopped by the evening."
    _write(folder, "000_a.txt", "2011-01-05", f"Rebels advanced.\n{footer}")   # 2 + 3 words
    _write(folder, "001_b.txt", "2011-01-06", f"Talks failed.\n{footer}")      # 2 + 3 words
    _write(folder, "002_c.txt", "2011-01-07", f"{story} Rebels left.")          # 15 + 2 words
    _write(folder, "003_d.txt", "2011-01-08", f"{story} Rebels left!")          # 17 words: a near-duplicate of c
    ann = toolkit.annotate(folder, tmp_path / "cache", actors=None, scorers=[], boilerplate_min_docs=2,
                           duplicates_threshold=0.5)
    assert ann.boilerplate["text"].tolist() == [footer]
    everything = toolkit.Annotations(ann.path, all_documents=True)
    counted = read_text_counts(everything)
    assert "text" not in counted.columns
    assert counted[["doc_id", "text_words", "boilerplate_paragraphs", "boilerplate_words"]].values.tolist() == [
        ["000_a", 5, 1, 3], ["001_b", 5, 1, 3], ["002_c", 17, 0, 0], ["003_d", 17, 0, 0]]
    assert counted["chars"].tolist() == [len(t) for t in everything.documents["text"]]
    for keep in ("first", "longest", None):
        expected = toolkit.summarize_hygiene(everything.documents, boilerplate=ann.boilerplate,
                                             duplicates=ann.duplicates, keep=keep)
        pd.testing.assert_frame_equal(toolkit.summarize_hygiene(counted, boilerplate=ann.boilerplate,
                                                                duplicates=ann.duplicates, keep=keep), expected)
    summary = toolkit.summarize_hygiene(counted, boilerplate=ann.boilerplate, duplicates=ann.duplicates)
    # 44 words in all; 6 removed as boilerplate; d merged into c (17 words)
    assert summary.set_index("measure").loc[["words", "words removed", "words in merged documents"], "value"].tolist() == [44, 6, 17]
    # the counts are kept under a name that covers the boilerplate list, and swept with it
    assert len(list((ann.path / "text_counts.parquet").iterdir())) == len(ann.manifest["tables"]["documents"]["shards"])


def test_annotate_sweeps_leftovers_but_not_counts_being_written_or_still_current(corpus, tmp_path):
    import os

    for i in range(2):
        _write(corpus, f"00{i + 2}_c{i}.txt", "2011-03-01", f"Troops crossed the border {i}.")
    cache = tmp_path / "cache"
    settings = toolkit.AnnotationSettings(batch_chars=10, duplicates_threshold=None, boilerplate_min_docs=None)
    ann = toolkit.annotate(corpus, cache, settings=settings, actors=None, scorers=[])
    read_terms(ann)
    joined = list((cache / "terms.parquet").glob("all-*"))
    assert len(joined) == 1
    writing = cache / "terms.parquet" / f"_tmp-{os.getppid()}-part-x.parquet"   # a live process's file
    leftover = cache / "terms.parquet" / "_tmp-999999999-part-y.parquet"         # no such process
    writing.write_bytes(b"")
    leftover.write_bytes(b"")
    # a new article: annotate rewrites the manifest and sweeps the folders
    _write(corpus, "009_z.txt", "2011-04-01", "Talks resumed.")
    ann = toolkit.annotate(corpus, cache, settings=settings, actors=None, scorers=[])
    assert writing.exists() and not leftover.exists()
    assert not joined[0].exists()                 # no longer the join of the current shards
    read_terms(ann)
    current = list((cache / "terms.parquet").glob("all-*"))
    os.utime(corpus / "009_z.txt")                # read again (same content): a sweep, same shards
    toolkit.annotate(corpus, cache, settings=settings, actors=None, scorers=[])
    assert all(p.exists() for p in current)       # still the join of the current shards: kept


def _near_duplicates(tmp_path, batch_chars=None):
    """Three articles, c a near-duplicate of a (left out); b in a shard of its own when batch_chars is small."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    story = "Troops moved into Idlib on Monday, officials said, and the shelling stopped by the evening."
    _write(folder, "000_a.txt", "2011-01-05", f"{story} Security forces left Idlib.")
    _write(folder, "001_b.txt", "2011-02-01", "Security forces fired. Security forces left Homs.")
    _write(folder, "002_c.txt", "2011-02-02", f"{story} Security forces left Idlib!")  # a near-duplicate of a
    settings = toolkit.AnnotationSettings(batch_chars=batch_chars or 1_000_000, duplicates_threshold=0.5,
                                          boilerplate_min_docs=None)
    return toolkit.annotate(folder, tmp_path / "cache", settings=settings, actors=None, scorers=[])


@pytest.mark.parametrize("batch_chars", [None, 10])
def test_kept_ngrams_add_up_to_the_ngrams_of_the_tokens(tmp_path, batch_chars):
    ann = _near_duplicates(tmp_path, batch_chars)
    assert ann.excluded == ["002_c"]
    bigrams = count_kept_ngrams(ann, 2)
    # a: ... security forces, forces left, left idlib; b: security forces (twice), forces fired,
    # forces left, left homs; c (the same bigrams as a) is left out
    counted = bigrams.set_index("term")
    assert counted.loc["security forces", ["count", "doc_freq", "n_docs"]].tolist() == [3, 2, 2]
    assert counted.loc["forces left", ["count", "doc_freq"]].tolist() == [2, 2]
    assert counted.loc["left idlib", ["count", "doc_freq"]].tolist() == [1, 1]    # c's copy left out
    tokens = toolkit.read_tokens(ann, columns=["doc_id", "sent_id", "position", "norm", "is_stop", "is_punct"])
    for n in (2, 3):
        for options in ({}, {"top": 1}, {"top": 2, "min_count": 2}, {"min_count": 2}):
            pd.testing.assert_frame_equal(count_kept_ngrams(ann, n, **options),
                                          toolkit.count_ngrams(tokens, n, drop_stopwords=True, **options))
    # the shards' n-grams were kept, named for the near-duplicate each leaves out
    shards = ann.manifest["tables"]["tokens"]["shards"]
    kept = {p.name for p in (ann.path / "bigrams.parquet").glob("part-*")}
    holding_c = {shard for shard, docs in shards.items() if "002_c" in docs}
    assert len(kept) == len(shards) and set(shards) - kept == holding_c
    # the top 1 with ties: "security forces" 3 alone; every bigram of one occurrence ties at the cut of 3
    assert count_kept_ngrams(ann, 2, top=1)["term"].tolist() == ["security forces"]
    # the n-grams summed over the shards were kept, most frequent first
    summed = pd.read_parquet(next((ann.path / "bigrams.parquet").glob("all-*")))
    assert summed.iloc[0].tolist() == ["security forces", 3, 2]
    assert summed["count"].tolist() == sorted(summed["count"], reverse=True)


def test_kept_ngrams_read_up_to_the_last_tie_across_row_groups(tmp_path, monkeypatch):
    from toolkit import counts

    monkeypatch.setattr(counts, "_SUMMED_ROWS", 2)  # row groups of 2: the ties at a cut span groups
    ann = _near_duplicates(tmp_path)
    tokens = toolkit.read_tokens(ann, columns=["doc_id", "sent_id", "position", "norm", "is_stop", "is_punct"])
    for n in (2, 3):
        for options in ({"top": 1}, {"top": 2}, {"top": 3}, {"top": 0}, {"top": 4, "min_count": 2},
                        {"min_count": 2}, {}):
            pd.testing.assert_frame_equal(count_kept_ngrams(ann, n, **options),
                                          toolkit.count_ngrams(tokens, n, drop_stopwords=True, **options))
    # 2 bigrams seen twice or more (security forces 3, forces left 2), then every other one once
    assert len(count_kept_ngrams(ann, 2, top=2)) == 2
    assert len(count_kept_ngrams(ann, 2, top=3)) == len(count_kept_ngrams(ann, 2))


def test_kept_ngrams_of_a_cache_opened_with_every_document(tmp_path):
    ann = _near_duplicates(tmp_path)
    everything = toolkit.Annotations(ann.path, all_documents=True)
    assert count_kept_ngrams(everything, 2).set_index("term").loc["left idlib", "count"] == 2


def test_make_counts_makes_every_missing_count_once(tmp_path):
    ann = _near_duplicates(tmp_path, batch_chars=10)
    shards = ann.manifest["tables"]["tokens"]["shards"]
    assert make_counts(ann) == len(shards) + len(ann.manifest["tables"]["documents"]["shards"])
    for name in ("terms", "lengths", "positions", "bigrams", "trigrams", "text_counts"):
        assert len(list((ann.path / f"{name}.parquet").glob("part-*"))) == len(shards), name
    for name in ("bigrams", "trigrams"):                           # and the n-grams summed over them
        assert len(list((ann.path / f"{name}.parquet").glob("all-*"))) == 1, name
    assert make_counts(ann) == 0                                    # nothing missing: nothing made
    assert read_lengths(ann)["words"].tolist() == [19, 7]          # a: 15 + 4 words; b: 3 + 4
    assert count_kept_ngrams(ann, 2).set_index("term").loc["security forces", "count"] == 3


@pytest.mark.parametrize("batch_chars", [None, 10])
def test_read_metadata_is_joined_once_and_read_once_per_cache(tmp_path, batch_chars):
    ann = _near_duplicates(tmp_path, batch_chars)  # a, b and c, c a near-duplicate of a (left out)
    metadata = ann.read_metadata()
    assert metadata["doc_id"].tolist() == ["000_a", "001_b"]
    assert metadata["date"].dt.strftime("%Y-%m-%d").tolist() == ["2011-01-05", "2011-02-01"]
    assert "text" not in metadata.columns
    documents = ann.read("documents")
    pd.testing.assert_frame_equal(metadata, documents.drop(columns=["text"]))
    # every document, near-duplicate included, joined into one file
    joined = list((ann.path / "metadata.parquet").glob("all-*"))
    assert len(joined) == 1
    assert pd.read_parquet(joined[0])["doc_id"].tolist() == ["000_a", "001_b", "002_c"]
    everything = toolkit.Annotations(ann.path, all_documents=True).read_metadata()
    assert everything["doc_id"].tolist() == ["000_a", "001_b", "002_c"]
    # read once per Annotations: the file gone, the same table; a copy each time
    joined[0].unlink()
    metadata["date"] = pd.NaT
    again = ann.read_metadata()
    pd.testing.assert_frame_equal(again, documents.drop(columns=["text"]))
    # a new Annotations joins the shards again; an article added sweeps the old join
    toolkit.Annotations(ann.path).read_metadata()
    old = next((ann.path / "metadata.parquet").glob("all-*"))
    _write(tmp_path / "corpus", "003_d.txt", "2011-03-01", "Talks resumed in Geneva.")
    settings = toolkit.AnnotationSettings(batch_chars=batch_chars or 1_000_000, duplicates_threshold=0.5,
                                          boilerplate_min_docs=None)
    ann = toolkit.annotate(tmp_path / "corpus", tmp_path / "cache", settings=settings, actors=None, scorers=[])
    assert not old.exists()
    assert ann.read_metadata()["doc_id"].tolist() == ["000_a", "001_b", "003_d"]
