"""toolkit: a research toolkit for news corpora, in tidy pandas tables.

documents -> sentences -> tokens -> frequencies; sentences -> actor mentions -> co-occurrence;
sentences -> sentiment. See the README for the tables and their columns.
"""

__version__ = "0.1.0"

# Each module's public functions, imported explicitly (no work happens at import time).
# -- errors
from .errors import CacheError, CorpusError, DictionaryError, LexiconError, ToolkitError
# -- corpus
from .corpus import Corpus, check_corpus, format_problems, read_corpus, read_metadata
# -- measures
from .measures import (
    cells_from_frequencies,
    cells_from_margins,
    chi_square,
    dice,
    expected_count,
    jaccard,
    log_likelihood,
    log_ratio,
    npmi,
    p_value,
    percent_difference,
    pmi,
    relative_frequency,
    t_score,
)
# -- text
from .text import TextSettings, load_stopwords, normalize_whitespace, split_paragraphs, split_sentences, tokenize
# -- annotate
from .annotate import AnnotationSettings, Annotations, annotate, annotate_batch, clean_corpus, default_cache_dir, read_table
# -- report
from .report import make_stamp, render_reports, run_reports, show_stamp, show_table
# -- overview
from .overview import PERIODS, count_documents, describe_corpus, find_source_column, measure_documents, summarize_by
# -- plots (each analysis adds its own names)
from .plots import plot_articles_over_time, plot_lengths
# -- frequency
from .frequency import (
    compare_frequencies,
    count_document_terms,
    count_ngrams,
    count_terms,
    count_trends,
    find_collocates,
    find_keywords,
    find_kwic,
    locate_terms,
    measure_dispersion,
    read_frequency_list,
    read_tokens,
    score_tfidf,
    select_top_terms,
)
# -- counts kept beside the cache
from .counts import count_kept_ngrams, make_counts, read_lengths, read_terms, read_text_counts
# -- positions kept beside the cache
from .positions import find_occurrences
# -- frequency plots and explorer
from .plots import plot_dispersion, plot_keyness, plot_top_terms, plot_trends
from .widgets import FrequencyExplorer, explore_frequencies
# -- sentiment
from .lexicon import make_lexicon, match_lexicon, read_lexicon
from .sentiment import (
    LexiconScorer,
    NltkVaderScorer,
    Scorer,
    VaderScorer,
    available_scorers,
    compare_scorers,
    evaluate_sentiment,
    find_disagreements,
    find_tone_evidence,
    get_scorer,
    read_ratings,
    register_scorer,
    score_sentiment,
    scorer_versions,
    summarize_tone,
    tone_between_actors,
    tone_by_document,
    tone_by_period,
    tone_by_source,
    tone_toward_actors,
)
from .plots import plot_dyad_tone, plot_tone_by_group, plot_tone_over_time
from .widgets import SentimentExplorer, explore_sentiment
# -- hygiene (detokenize, boilerplate, duplicates, summary)
from .detokenize import DETOKENIZE_RULES_VERSION, detect_pretokenized, detokenize, is_pretokenized, restore_text
from .boilerplate import boilerplate_texts, count_words, find_boilerplate, locate_boilerplate
from .duplicates import DUPLICATES_VERSION, drop_near_duplicates, find_duplicates
from .hygiene import summarize_hygiene
# -- actors
from .actors import (
    ActorDictionary,
    count_mentions,
    find_candidates,
    find_mentions,
    load_actors,
    parse_actors,
    roll_up_mentions,
)
# -- actor plots and explorer
from .plots import plot_actor_network, plot_cooccurrence_heatmap
from .widgets import ActorExplorer, explore_actors
# -- cooccurrence
from .cooccurrence import (
    build_graph,
    compare_periods,
    count_pairs,
    describe_graph,
    export_graph,
    find_communities,
    find_evidence,
    graphs_by_period,
    list_partners,
    score_pairs,
)
# -- model sentiment (the optional 'minilm' scorer; importing it registers the name, never imports torch)
from .model_sentiment import ModelExtraError, ModelScorer, model_available
# -- engines (where annotate's batches run; aggregations partition by partition)
from .engines import (
    DaskEngine,
    Engine,
    LocalEngine,
    count_ngrams_by_partition,
    count_pairs_by_partition,
    count_terms_by_partition,
    get_engine,
    map_partitions,
)
# -- vader (vectorised VADER, the reference's exact scores)
from .vader import score_vader, vader_polarity
