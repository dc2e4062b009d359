"""Code free-text job titles to SOC 2020 unit groups with the ONS SOC 2020 coding index (Volume 2).

How a title is read, the way an ONS coder reads it:
  1. Split it into phrases (`soc_text.segments`): the main part, what follows a separator, bracketed text,
     the first-named of alternatives. Places, pay, shifts and agency phrasing fall away.
  2. Find the index title in the phrase whose last word is furthest right, longest first
     ("RGN Deputy Home Manager" -> "home manager"; "Care Assistant Jobs Marlow" -> "care assistant"): the
     occupation noun ends an English job title, and what follows it is place or pitch.
  3. Settle an index title with several codes by industry (`soc_context`): the employer, the board's
     category and the rest of the title, scored against each entry's qualifier and industry words. With
     no industry, the index's entry that has none; for engineers, its "professional" entry. When every
     entry is industry-specific and none fits, the occupation noun alone is coded in the advert's
     industry ("General Manager - restaurant" -> restaurant manager 1222). An index title whose one code the
     index gives only with a qualifier or industry the advert does not show is a guess, not a match
     ("Community Connector (Homelessness)": "connector" is coded only in rubber boot making; method
     `*_restricted`, its confidence the rules' development agreement on such titles, 2 in 5 for spans).
     Such a guess yields to an index title further left in the phrase that the index codes without one
     ("Consultant General ..." in a hospital: "general" is coded only as an armed forces rank, "consultant"
     in hospital service is 2212); a left title that is itself a guess between industries gains nothing.
     A main phrase ONS calls too vague alone ("Team Leader") followed by the occupation it works in ("-
     Senior Carers") takes the role's entry in that occupation's minor group (team leader in a care home,
     6136; method `role_in_field`, flagged for review); with no such entry the title is too vague (uncoded).
  4. Nursing registrations set the nurse type when the title names a generic nurse ("RMN Staff Nurse" is a
     mental health nurse, 2235), and, after every other step, when the code reached is the catch-all
     nursing group (2237): "Ward Manager RMN" is 2235; a named group ("Community Nurse RMN", 2232) stays.
  5. Nothing exact: IDF-weighted token overlap with every index title (one sparse product), misspelt
     words first mapped to the index vocabulary.
  6. The learned model (`title_model.py`, character and word n-grams + a linear classifier trained on the
     index and the development titles) reads the title's main phrase. Where the rules are exact (an index
     title found with one code, an industry that settles it, a registration) their code stands and the
     model checks it: where the two agree the code is right far more often, and the confidence says so.
     One exception: when the index title found is only part of the title (a span) and the classifier
     recognises the whole phrase as another group (a positive margin, the same bar as below), the
     model's code is taken (method `span_override`): on development titles the rules never read to
     build the model (cross-fitted), such overrides were right 3 times in 4 and the rules 0 in 4.
     Where the rules tie between an index title's codes, the model ranks those codes (method `*_model`);
     where the index title is restricted (step 3), a classifier that recognises the phrase as another group
     (a positive margin) takes it (`*_restricted_model`).
     Where the rules fall back to fuzzy token overlap, the model's code is taken (method `model`, the
     fuzzy code agreeing being evidence); where they read nothing, only when the classifier recognises the
     phrase (a positive margin), so "Zzyzx qwerty" stays uncoded.

Every result says how it was decided (`method`). `confidence` is calibrated: a logistic (Platt-style)
calibrator over the rules' per-method agreement, the model's own score, whether the two agree and who
decided, fitted on model predictions for development titles the model was not trained on (five-fold
cross-fitting by main-phrase group; `python -m scripts.calibrate_soc_coder` writes `soc_calibration.json`). Codes under
the calibration's review threshold are flagged `needs_review`; the held-out half is never used to set
anything.
"""

import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process, utils
from scipy import sparse

from assets.jobads.soc_context import entry_words, industry_words
from assets.jobads.soc_text import ABBREVIATIONS, normalise, segments, words

__all__ = ["Coded", "SocCoder", "normalise", "REVIEW_BELOW"]

CALIBRATION_FILE = Path(__file__).with_name("soc_calibration.json")
_CALIBRATION = json.loads(CALIBRATION_FILE.read_text()) if CALIBRATION_FILE.exists() else None
# flag for review below this calibrated confidence (chosen on the development half: see the calibration)
REVIEW_BELOW = _CALIBRATION["review_below"] if _CALIBRATION else 0.8
FUZZY_MIN_OVERLAP = 0.5
SPELLING_MIN_SCORE = 88
MAX_SPAN = 7
VAGUE_CODES = 5  # a title spread over this many codes with nothing to choose between them is too vague
STRONG_HEAD = 3  # a one-word index title counts inside a longer phrase only if >= 3 index titles end in it
# Confidence of each method = its agreement on the development half of the labelled titles, Laplace-smoothed
# ((right + 1) / (n + 2), so a method seen on few titles is not trusted fully); printed by
# `python -m benchmarks.soc_coder --calibrate`. "registration" had no development title: a prior of 0.8.
# The restricted methods (session 16): the rules alone on the development titles, 3 of 3 and 2 of 5.
# "role_in_field" (session 16) had one development title: a prior under the review threshold, so flagged.
CONFIDENCE = {
    "exact": 0.98,
    "exact_context": 0.71,
    "exact_general": 0.79,
    "exact_professional": 0.75,
    "exact_ambiguous": 0.33,
    "span": 0.92,
    "span_context": 0.76,
    "span_general": 0.68,
    "span_professional": 0.8,
    "span_ambiguous": 0.5,
    "industry_head": 0.88,
    "registration": 0.8,
    "role_in_field": 0.6,
    "exact_restricted": 0.8,
    "span_restricted": 0.43,
}
FUZZY_SCALE = 0.7  # fuzzy confidence = overlap score x this (a fuzzy match is never sure)
RULES_DECIDE = frozenset(
    {
        "exact",
        "exact_context",
        "exact_professional",
        "span",
        "span_context",
        "span_professional",
        "industry_head",
        "registration",
    }
)
# where the model has no part: the whole title is an index title with one code (development titles coded
# so were right 99% of the time, the model agreeing or not), or ONS calls the title too vague to code
MODEL_SKIPS = frozenset({"exact", "too_vague", "role_in_field"})  # (the model reads only the vague role)
MODEL_TOP_K = 5  # the model's best codes kept per phrase: enough to rank an index title's tied codes
# the model codes a title the rules cannot read only when its classifier says "this class" (a positive
# margin for the best class, modified Huber loss); below that it recognises nothing either
MODEL_MIN_MARGIN = 0.0
TIES = frozenset({"exact_general", "exact_ambiguous", "span_general", "span_ambiguous"})
# an index title whose one code the index gives only in an industry or sense the advert does not show
RESTRICTED = frozenset({"exact_restricted", "span_restricted"})
# an index title found inside the title (not the whole of it), with one code or tied codes
SPANS = frozenset({"span", "span_context", "span_professional", "span_general", "span_ambiguous"})

RMN = re.compile(r"\b(?:rmn|rnmh|mental health nurse)")
RGN = re.compile(r"\b(?:rgn|registered general nurse|general nurse)\b")
RSCN = re.compile(r"\b(?:rscn|rsci|rcn|children'?s nurse|paediatric nurse)\b")
# registrations as adverts abbreviate them (soc_text's abbreviations that write out a nurse), and the
# words they are written out as
_REGISTRATIONS = {k: v for k, v in ABBREVIATIONS.items() if v.endswith("nurse")}
REGISTRATION_ABBREVIATION = re.compile(r"\b(?:" + "|".join(sorted(_REGISTRATIONS)) + r")\b")
REGISTRATION_WORDS = tuple(dict.fromkeys(tuple(words(k)) for k in sorted(_REGISTRATIONS)))  # as segments reads them
GENERIC_NURSE = {"nurse", "staff nurse", "registered nurse", "charge nurse", "nurse registered", "sister"}


@dataclass(frozen=True)
class Coded:
    title: str
    soc2020: str | None
    soc2020_title: str | None
    confidence: float
    method: str

    @property
    def needs_review(self) -> bool:
        return self.soc2020 is None or self.confidence < REVIEW_BELOW


@dataclass(frozen=True)
class Entry:
    soc: str
    words: frozenset[str]
    general: bool
    professional: bool


class SocCoder:
    def __init__(self, index: pd.DataFrame, unit_groups: pd.DataFrame, model=None):
        """index: the ONS coding index (job_title, soc2020, qualifier, industry); unit_groups: soc2020, title.
        The qualifier (ADD) column is required: it marks the "professional" entries and carries industries.
        model: a `title_model.TitleModel` (None: the rules alone, with their per-method confidence)."""
        self.model = model
        self.index = index
        self._model_ranked: dict[str, tuple[tuple[str, float], ...]] = {}
        self.titles = dict(zip(unit_groups.iloc[:, 0].astype(str), unit_groups.iloc[:, 1]))
        raw: dict[str, list[Entry]] = defaultdict(list)
        for job_title, soc, qual, ind in zip(
            index["job_title"],
            index["soc2020"].astype(str),
            index["qualifier"].fillna(""),
            index["industry"].fillna(""),
        ):
            norm = " ".join(words(job_title))
            if norm:
                raw[norm].append(
                    Entry(soc, entry_words(qual, ind), not qual and not ind, qual.strip().lower() == "professional")
                )
        self.vague = {n for n, e in raw.items() if all(x.soc == "}}}}" for x in e)}
        # titles ONS calls too vague on their own ("Adviser"), codable only with an industry or qualifier
        self.vague_alone = {
            n
            for n, e in raw.items()
            if any(x.soc == "}}}}" and x.general for x in e) and not any(x.soc != "}}}}" and x.general for x in e)
        }
        self.entries = {n: [x for x in e if x.soc != "}}}}"] for n, e in raw.items()}
        self.entries = {n: e for n, e in self.entries.items() if e}
        self.head_count = Counter(n.split()[-1] for n in self.entries)
        self._build_fuzzy()
        self._cached = lru_cache(maxsize=200_000)(self._decide)
        self._rules_cached = lru_cache(maxsize=200_000)(self._rules)
        self._industry = lru_cache(maxsize=200_000)(industry_words)
        # a title's phrases, read once for the rules and the model
        self._phrases = lru_cache(maxsize=200_000)(lambda title: tuple(tuple(p) for p in segments(title)))
        self._known = lru_cache(maxsize=50_000)(self._known_token)

    def _build_fuzzy(self) -> None:
        # Candidate index titles as a binary title x token matrix, so a fuzzy query scores all 30k titles
        # in one sparse product rather than a Python loop
        self.candidates = list(self.entries)
        vocab: dict[str, int] = {}
        rows, cols, heads = [], [], []
        for i, norm in enumerate(self.candidates):
            toks = norm.split()
            for tok in set(toks):
                rows.append(i)
                cols.append(vocab.setdefault(tok, len(vocab)))
            heads.append(vocab[toks[-1]])
        self.vocab = vocab
        self.vocabulary = list(vocab)
        self._unprocessed = {utils.default_process(v): v for v in self.vocabulary}
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for processed in self._unprocessed:
            self._by_length[len(processed)].append(processed)
        n = len(self.candidates)
        matrix = sparse.csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(vocab)))
        df = np.asarray(matrix.sum(axis=0)).ravel()
        self.idf_array = np.log1p(n / df)
        self.matrix = matrix
        self.head_index = np.array(heads)
        # each title's own weight: its tokens' IDF, its head word counting double
        self.self_weight = np.asarray(matrix @ self.idf_array).ravel() + self.idf_array[self.head_index]
        self.cand_length = np.array([len(c) for c in self.candidates])

    @classmethod
    def from_files(cls, index_csv, unit_groups_csv, *, model: bool = True, cache_dir=None) -> "SocCoder":
        index = pd.read_csv(index_csv, dtype=str, keep_default_na=False)
        groups = pd.read_csv(unit_groups_csv, dtype=str, keep_default_na=False)[["soc2020_unit_group", "soc2020_title"]]
        return cls(index, groups, cls.load_model(index, cache_dir) if model else None)

    def describe(self) -> dict:
        """The learned model's training data and settings and the calibration's development figures (asset
        metadata; the held-out figures come from `python -m benchmarks.soc_coder`)."""
        from assets.jobads.title_model import describe, load_labelled

        calibration = {k: v for k, v in (_CALIBRATION or {}).items() if k != "weights"}
        return {"model": describe(self.index, load_labelled()) if self.model else None, "calibration": calibration}

    @staticmethod
    def load_model(index: pd.DataFrame, cache_dir=None):
        """The learned model for this index (trained once, then loaded from `cache_dir`)."""
        from assets.jobads.title_model import DEFAULT_CACHE, load_labelled, load_or_train

        return load_or_train(index, load_labelled(), Path(cache_dir) if cache_dir else DEFAULT_CACHE)

    # -- public ---------------------------------------------------------------------------------------
    def code(
        self, title: str, context: str = "", *, employer: str = "", category: str = "", description: str = ""
    ) -> Coded:
        """Code one title. `context` is free text about the employer or industry; the keywords name the
        fields a feed or CSV supplies. The description counts only through its first 300 characters."""
        ctx = " ".join(x for x in (context, employer, category, (description or "")[:300]) if x)
        soc, conf, method = self._cached(title or "", self._industry(ctx))
        return Coded(title, soc, self.titles.get(soc) if soc else None, conf, method)

    def code_many(self, titles, contexts=None) -> list[Coded]:
        contexts = contexts if contexts is not None else [""] * len(titles)
        self.prefetch(titles)
        return [self.code(t, c) for t, c in zip(titles, contexts)]

    def prefetch(self, titles) -> None:
        """Score with the model, in one batch (one sparse product, not one per title), the main phrases of
        the titles whose rules' reading it has a part in (not a whole index title, not one ONS calls too
        vague). A feed repeats a title with many places and pitches: its main phrase is scored once."""
        if self.model is None:
            return
        todo = []
        for title in dict.fromkeys(t for t in titles if t):
            phrase = self._main_phrase(title)
            if (
                phrase
                and phrase not in self._model_ranked
                and self._rules_cached(title, frozenset())[2] not in MODEL_SKIPS
            ):
                todo.append(phrase)
        todo = list(dict.fromkeys(todo))
        for start in range(0, len(todo), 20_000):
            chunk = todo[start : start + 20_000]
            self._model_ranked.update(zip(chunk, self.model.ranked(chunk, normalised=True, k=MODEL_TOP_K)))

    def clear_cache(self) -> None:
        self._cached.cache_clear()
        self._rules_cached.cache_clear()
        self._phrases.cache_clear()
        self._industry.cache_clear()
        self._known.cache_clear()
        self._model_ranked.clear()

    # -- the model beside the rules ---------------------------------------------------------------------
    def _main_phrase(self, title: str) -> str:
        """The title's main part as the rules read it first (places, pay and pitch fall away)."""
        phrases = self._phrases(title)
        return " ".join(phrases[0]) if phrases else ""

    def _ranked(self, title: str) -> tuple[tuple[str, float], ...]:
        """The model's best codes, with margins, for the title's main phrase (what the rules read first too)."""
        phrase = self._main_phrase(title)
        if phrase not in self._model_ranked:
            self._model_ranked[phrase] = self.model.ranked([phrase], normalised=True, k=MODEL_TOP_K)[0]
        return self._model_ranked[phrase]

    def _top(self, title: str) -> tuple[str, float]:
        return self._ranked(title)[0]

    def _decide(self, title: str, ctx: frozenset[str]) -> tuple[str | None, float, str]:
        soc, conf, method, evidence = self.evidence(title, ctx)
        return soc, conf if evidence is None else self._calibrated(*evidence), method

    def evidence(self, title: str, ctx: frozenset[str]) -> tuple[str | None, float, str, tuple | None]:
        """The rules' answer, then the model's part in it (module docstring, step 6), then a named
        registration's nurse type (step 4): (code, the rules' per-method confidence, method, (rules
        confidence, model margin, agree, decided by) or None when the model had no part). The calibration
        is fitted on what this returns, so it sees the codes `code` gives."""
        soc, conf, method, evidence = self._rules_and_model(title, ctx)
        soc, method = self._nurse_type(title, soc, method)
        return soc, conf, method, evidence

    def _rules_and_model(self, title: str, ctx: frozenset[str]) -> tuple[str | None, float, str, tuple | None]:
        soc, conf, method, tied = self._rules_cached(title, ctx)
        if self.model is None or method in MODEL_SKIPS or not title.strip():
            return soc, conf, method, None
        ranked = self._ranked(title)
        best, margin = ranked[0]
        if method in RULES_DECIDE:  # (an "exact" whole-title match never reaches here: MODEL_SKIPS)
            if self._model_overrides_span(method, soc, best, margin):
                return best, conf, "span_override", (conf, margin, False, "model")
            return soc, conf, method, (conf, margin, best == soc, "rules")
        if method in TIES:
            # the index title was found but its plain codes tie: the model ranks them; one plain code (no
            # tie) or none of them among the model's best codes -> the rules' pick stands
            pick = next(((c, m) for c, m in ranked if c in tied), None) if tied else None
            if pick is None:
                if self._model_overrides_span(method, soc, best, margin):
                    return best, conf, "span_override", (conf, margin, False, "model")
                return soc, conf, method, (conf, margin, best == soc, "tie")
            return pick[0], conf, f"{method}_model", (conf, pick[1], pick[0] == soc, "tie")
        if method in RESTRICTED:  # the index's code is a guess here: the model may name another group
            if best != soc and margin > MODEL_MIN_MARGIN:
                return best, conf, f"{method}_model", (conf, margin, False, "model")
            return soc, conf, method, (conf, margin, best == soc, "tie")
        if method == "fuzzy":  # a few words shared with some index title: the model reads the whole phrase
            return best, conf, "model", (conf, margin, best == soc, "fuzzy")
        if margin <= MODEL_MIN_MARGIN:  # nothing the rules read, and the model recognises nothing ("Zzyzx")
            return soc, conf, method, None
        return best, conf, "model", (conf, margin, False, "model")

    @staticmethod
    def _model_overrides_span(method: str, soc: str | None, best: str, margin: float) -> bool:
        """The rules read part of the title (a span); the classifier recognises the whole phrase as another
        group (module docstring, step 6)."""
        return method in SPANS and best != soc and margin > MODEL_MIN_MARGIN

    @staticmethod
    def _calibrated(rules_conf: float, margin: float, agree: bool, decided_by: str) -> float:
        if _CALIBRATION is None:
            return rules_conf if decided_by != "model" else round(max(0.0, min(1.0, (margin + 1) / 2)) * 0.7, 3)
        w = _CALIBRATION["weights"]
        z = w["intercept"] + sum(
            w[k] * v for k, v in calibration_features(rules_conf, margin, agree, decided_by).items()
        )
        return round(1 / (1 + math.exp(-z)), 3)

    # -- matching -------------------------------------------------------------------------------------
    def _rules(self, title: str, ctx_advert: frozenset[str]) -> tuple[str | None, float, str, frozenset[str]]:
        """(code, per-method confidence, method, the tied codes when the method is a tie): the rules alone."""
        phrases = self._phrases(title)
        if not phrases:
            return None, 0.0, "uncoded", frozenset()
        ctx = ctx_advert | self._industry(title)
        for rank, phrase in enumerate(phrases):
            rest = self._without_registration(phrase, title)
            found = self._span(rest) if rest != phrase else None
            if found is not None:  # another occupation beside the registration: it is the job
                phrase = rest
            else:
                found = self._span(phrase)
            if found is None:
                continue
            start, end, norm = found
            if norm in self.vague:
                if rank == 0 and (start, end) == (0, len(phrase)):
                    return None, 0.0, "too_vague", frozenset()
                continue
            kind = "exact" if rank == 0 and (start, end) == (0, len(phrase)) else "span"
            soc, how = self._pick(self.entries[norm], ctx, norm.split()[-1])
            if how == "restricted" and start > 0:
                left = self._unrestricted_left(phrase[:start], ctx)
                if left is not None:
                    start, end, norm, soc, how = left
            if end - start == 1 and len(phrase) > 1 and how in ("ambiguous", "general"):
                # one generic noun ("assistant") left undecided: the whole phrase's nearest index title
                # ("domestic services assistant" -> domestic assistant) knows more, if it ends the same way
                fuzzy = self._fuzzy(phrase, ctx)
                if fuzzy[0] not in (None, soc) and fuzzy[1] >= FUZZY_SCALE * 0.6 and fuzzy[3] == norm:
                    return (*fuzzy[:3], frozenset())
            too_many = how == "ambiguous" and len({e.soc for e in self.entries[norm]}) >= VAGUE_CODES
            if (norm in self.vague_alone or too_many) and how not in ("context", "industry_head"):
                if rank == 0 and (start, end) == (0, len(phrase)):
                    field = self._role_in_field(norm, phrases[1:], ctx)
                    if field is not None:
                        return field, CONFIDENCE["role_in_field"], "role_in_field", frozenset()
                    return None, 0.0, "too_vague", frozenset()
                continue
            method = kind if how == "single" else ("industry_head" if how == "industry_head" else f"{kind}_{how}")
            soc, method = self._registration(title, norm, soc, method)
            tied = self._tied(self.entries[norm], method)
            return soc, CONFIDENCE[method], method, tied
        return (*self._fuzzy(phrases[0], ctx)[:3], frozenset())

    def _role_in_field(self, role: str, later: tuple, ctx: frozenset[str]) -> str | None:
        """A role ONS calls too vague alone, followed by the occupation it works in ("Team Leader - Senior
        Carers"): the role's index entry in that occupation's minor group (team leader in a care home, 6136;
        "Supervisor - Warehouse Operatives": elementary storage supervisors, 9251), or None when the index has
        none there (a sub-major group is too broad: "Supervisor - Cleaners" would find postal supervisors)."""
        for phrase in later:
            found = self._span(list(phrase))
            if found is None or found[2] in self.vague:
                continue
            field, _ = self._pick(self.entries[found[2]], ctx, found[2].split()[-1])
            codes = Counter(e.soc for e in self.entries[role])
            same = sorted((c for c in codes if c[:3] == field[:3]), key=lambda c: (-codes[c], c))
            return (field if field in same else same[0]) if same else None
        return None

    def _unrestricted_left(self, left: tuple, ctx: frozenset[str]) -> tuple | None:
        """An index title further left in the phrase that the index codes without a guess, when the one
        ending furthest right is restricted to a sense the advert does not show ("Consultant General" at a
        hospital: "general" is coded only as an armed forces rank; "consultant" is the occupation):
        (start, end, title, code, how) or None."""
        while left:
            found = self._span(list(left))
            if found is None:
                return None
            start, end, norm = found
            if norm in self.vague or norm in self.vague_alone:
                return None  # too vague to stand for the occupation: the restricted reading stays
            soc, how = self._pick(self.entries[norm], ctx, norm.split()[-1])
            if how not in ("restricted", "ambiguous"):  # a guess for a guess gains nothing
                return start, end, norm, soc, how
            left = left[:start]
        return None

    @staticmethod
    def _tied(entries: list[Entry], method: str) -> frozenset[str]:
        """The codes a tie is between: the index title's plain entries (no qualifier, no industry) when it
        has them, every entry's code when none is plain; one plain code is no tie (the index settles it)."""
        if method not in TIES:
            return frozenset()
        plain = frozenset(e.soc for e in entries if e.general)
        codes = plain if method.endswith("_general") else frozenset(e.soc for e in entries)
        return codes if len(codes) > 1 else frozenset()

    @staticmethod
    def _without_registration(phrase: tuple[str, ...], title: str) -> tuple[str, ...]:
        """A nursing registration the advert abbreviates ("Home Manager RGN") is a requirement when another
        occupation is named beside it, wherever it stands: its written-out words leave the phrase."""
        if not REGISTRATION_ABBREVIATION.search(title.lower()):
            return phrase
        rest = list(phrase)
        for reg in REGISTRATION_WORDS:
            n = len(reg)
            i = next((i for i in range(len(rest) - n + 1) if tuple(rest[i : i + n]) == reg), None)
            if i is not None and len(rest) > n:
                rest = rest[:i] + rest[i + n :]
        rest = [w for w in rest if w != "or"] if len(rest) < len(phrase) else rest
        return tuple(rest) if rest else phrase

    def _span(self, phrase: list[str]) -> tuple[int, int, str] | None:
        """The index title ending furthest right in the phrase, the longest of those."""
        n = len(phrase)
        for end in range(n, 0, -1):
            for start in range(max(0, end - MAX_SPAN), end):
                key = " ".join(phrase[start:end])
                if key not in self.entries and key not in self.vague:
                    continue
                if end - start == 1 and n > 1 and (self.head_count[key] < STRONG_HEAD or len(key) < 3):
                    continue  # "wool", "home", "c": a word that is rarely an occupation on its own
                return start, end, key
        return None

    def _pick(self, entries: list[Entry], ctx: frozenset[str], head: str) -> tuple[str, str]:
        socs = Counter(e.soc for e in entries)
        general = [e.soc for e in entries if e.general]
        if len(socs) == 1 and (general or any(e.words & ctx for e in entries)):
            return entries[0].soc, "single"
        scored = [(len(e.words & ctx), e) for e in entries]
        best = max(s for s, _ in scored)
        if best > 0:
            top = Counter(e.soc for s, e in scored if s == best)
            return top.most_common(1)[0][0], "context"
        if not general and ctx and head in self.entries:
            # every entry names an industry and none is the advert's: the occupation noun in its industry
            head_scored = [(len(e.words & ctx), e.soc) for e in self.entries[head]]
            hbest = max(s for s, _ in head_scored)
            if hbest > 0:
                return Counter(s for sc, s in head_scored if sc == hbest).most_common(1)[0][0], "industry_head"
        if len(socs) == 1:
            # every entry is restricted to a qualifier or industry the advert does not show ("connector" is
            # coded only in rubber boot making): the index's one code is a guess outside that industry
            return entries[0].soc, "restricted"
        professional = [e.soc for e in entries if e.professional]
        if professional and head == "engineer":
            return professional[0], "professional"
        if general:  # several plain entries: the code most of the title's entries share
            return max(sorted(set(general)), key=lambda s: (socs[s], general.count(s))), "general"
        return socs.most_common(1)[0][0], "ambiguous"

    @staticmethod
    def _registration(title: str, norm: str, soc: str, method: str) -> tuple[str, str]:
        """A generic nurse title takes its type from the registration the advert names."""
        if norm not in GENERIC_NURSE and norm != "mental health nurse":
            return soc, method
        code = SocCoder._registered_type(title)
        return (soc, method) if code is None else (code, method if soc == code else "registration")

    @staticmethod
    def _registered_type(title: str) -> str | None:
        """The nurse group of the registration the advert names first ("Nurse RMN / RGN" is a mental health
        nurse, as ONS codes alternatives), or None."""
        low = title.lower()
        named = [
            (m.start(), code)
            for pattern, code in ((RGN, "2237"), (RMN, "2235"), (RSCN, "2236"))
            if (m := pattern.search(low))
        ]
        return min(named)[1] if named else None

    @staticmethod
    def _nurse_type(title: str, soc: str | None, method: str) -> tuple[str | None, str]:
        """A code in the catch-all nursing group (2237, other registered nursing professionals) takes the
        type of the registration the advert names, however the code was reached ("Unit Manager RMN": a
        hospital unit manager, 2237, who is a mental health nurse, 2235); a named group (community,
        specialist nurses) keeps its own."""
        if soc != "2237":
            return soc, method
        code = SocCoder._registered_type(title)
        return (soc, method) if code in (None, soc) else (code, "registration")

    def _known_token(self, token: str) -> str | None:
        if token in self.vocab:
            return token
        if len(token) < 5:
            return None
        query = utils.default_process(token)
        # fuzz.ratio >= 88 is impossible when lengths differ by more than ~27%: only compare plausible words
        slack = int(len(query) * 0.28) + 1
        pool = [w for n in range(len(query) - slack, len(query) + slack + 1) for w in self._by_length.get(n, ())]
        match = process.extractOne(query, pool, scorer=fuzz.ratio, score_cutoff=SPELLING_MIN_SCORE, processor=None)
        return self._unprocessed[match[0]] if match else None

    def _fuzzy(self, phrase: list[str], ctx: frozenset[str]) -> tuple:
        """(soc, confidence, method, head word of the matched index title)"""
        known = list(dict.fromkeys(k for k in (self._known(t) for t in phrase) if k))
        # the occupation noun is the rightmost word that commonly ends an index title; words after it are
        # place or pitch ("Mathematical Modeller Leeds")
        heads = [i for i, k in enumerate(known) if self.head_count[k] >= STRONG_HEAD]
        if heads:
            known = known[: heads[-1] + 1]
        if not known:
            return None, 0.0, "uncoded", None
        head = self.vocab[known[-1]]
        columns = np.array([self.vocab[t] for t in known])
        weights = self.idf_array[columns] * np.where(columns == head, 2.0, 1.0)
        shared = self.matrix[:, columns] @ weights  # IDF weight of the tokens each title shares
        score = shared / np.sqrt(weights.sum() * self.self_weight)
        score[self.head_index != head] *= 0.8  # a different occupation noun is a weaker match
        best_score = score.max()
        if best_score <= 0 or best_score < FUZZY_MIN_OVERLAP:
            return None, round(float(max(best_score, 0.0)), 3), "uncoded", None
        ties = np.flatnonzero(score == best_score)
        best = self.candidates[ties[np.argmin(self.cand_length[ties])]]  # the plainest title wins a tie
        soc, _ = self._pick(self.entries[best], ctx, best.split()[-1])
        return soc, round(FUZZY_SCALE * float(best_score), 3), "fuzzy", best.split()[-1]


def calibration_features(rules_conf: float, margin: float, agree: bool, decided_by: str) -> dict[str, float]:
    """What the calibrator weighs: the rules' per-method agreement, the model's margin (clipped), whether
    the two agree, and how the rules decided (an index title, a tie between codes, fuzzy overlap, or not at
    all, leaving the model alone)."""
    m = max(-1.0, min(1.5, margin))
    return {
        "rules_conf": rules_conf,
        "margin": m,
        "agree": float(agree),
        "tie": float(decided_by == "tie"),
        "fuzzy": float(decided_by == "fuzzy"),
        "model": float(decided_by == "model"),
        "agree_x_margin": float(agree) * m,
    }
