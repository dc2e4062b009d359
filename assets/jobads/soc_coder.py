"""Code free-text job titles to SOC 2020 unit groups with the ONS SOC 2020 coding index.

Method, in order (the first that decides wins; every result says which):
  exact            the normalised title is an index title with one code (confidence 1.0)
  exact_context    an index title with several codes, decided by the advert's industry context (0.9)
  exact_ambiguous  several codes and no context: the index's most frequent code for it (0.75)
  fuzzy            best IDF-weighted token overlap (cosine) with an index title, the head word (last
                   token: the occupation noun) counting double; misspelt tokens are first mapped to the
                   index vocabulary with rapidfuzz (confidence = 0.9 x overlap)
  too_vague        ONS codes the title as too vague to classify ('}}}}' in the index)
  uncoded          nothing close enough
Titles and index entries go through the same normalisation, so "Centre Attendants (2 posts) - Carlton"
and "Centre attendant" meet. Confidence below LOW_CONFIDENCE is flagged, not hidden.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process, utils
from scipy import sparse

LOW_CONFIDENCE = 0.6
FUZZY_MIN_OVERLAP = 0.5
SPELLING_MIN_SCORE = 88

ABBREVIATIONS = {
    "snr": "senior", "sr": "senior", "jnr": "junior", "jr": "junior", "asst": "assistant", "assist": "assistant",
    "mgr": "manager", "mngr": "manager", "coord": "coordinator", "co-ordinator": "coordinator",
    "eng": "engineer", "engr": "engineer", "tech": "technician", "techn": "technician",
    "admin": "administrator", "dept": "department", "hca": "healthcare assistant",
    "rgn": "registered general nurse", "rmn": "registered mental health nurse",
    "rnld": "registered learning disability nurse", "hr": "human resources", "it": "it",
    "ops": "operations", "exec": "executive", "rep": "representative", "supv": "supervisor",
    "lgv": "hgv", "locum": "", "cons": "consultant", "paeds": "paediatric", "gen": "general", "c+e": "", "cat": "", "class": "", "cscs": "", "sia": "security", "pt": "", "ft": "",
    "&": "and", "acct": "accountant", "accts": "accounts",
}
NOISE = re.compile(
    r"\b(x\s?\d+|\d+\s*(?:posts?|roles?|vacanc(?:y|ies))|part[\s-]?time|full[\s-]?time|fixed[\s-]?term|"
    r"permanent|temporary|temp|maternity cover|secondment|band\s*\d+[a-z]?|grade\s*\w+|nights?|days|"
    r"weekends?|relief|zero hours?|immediate start|urgent(?:ly)?|required|needed|wanted|hybrid|remote|"
    r"flexible|term time only|pro rata|per hour|per annum|ref\w*\s*\w*\d\w*|level\s*\d+|casual|freelance|"
    r"\d+\s*hours?(?: per week)?|\d+(?:\.\d+)?\s*(?:hpw|hrs?)|jobs?|vacanc(?:y|ies)|"
    r"nottingham(?:shire)?|derby(?:shire)?|east midlands|midlands|mansfield|chesterfield|uk)\b")
MONEY = re.compile(r"£\s*[\d,.]+k?(?:\s*(?:-|to)\s*£?\s*[\d,.]+k?)?")
SUFFIX = re.compile(r"\s+(?:-|–|—|\||@|at)\s+.*$")  # " - Carlton", " | Agency"
DOUBLE_SPACE_SUFFIX = re.compile(r"\s{2,}.*$")  # Adzuna exports leave two spaces where a dash was
BRACKETS = re.compile(r"[\(\[\{][^\)\]\}]*[\)\]\}]")
NON_WORD = re.compile(r"[^a-z0-9+'/ ]+")
SPACES = re.compile(r"\s+")
IN_PHRASE = re.compile(r"^((?:locum |senior |clinical |trust grade )*(?:consultant|fellow|specialist|lecturer|"
                       r"registrar|resident|practitioner|therapist|nurse|surgeon|physician))\s+in\s+(.+)$")
SENIORITY = {"senior", "junior", "trainee", "lead", "principal", "chief", "head", "deputy", "assistant",
             "graduate", "apprentice", "team", "leader", "specialist", "qualified", "experienced"}


def _singular(token: str) -> str:
    if len(token) > 3 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is", "'s")):
        return token[:-1]
    return token


def normalise(title: str) -> str:
    t = DOUBLE_SPACE_SUFFIX.sub("", (title or "").strip()).lower().replace("’", "'")
    t = MONEY.sub(" ", t)
    t = BRACKETS.sub(" ", t)
    t = SUFFIX.sub("", t)
    t = t.replace("/", " / ").replace("&", " and ")
    t = NOISE.sub(" ", t)
    t = NON_WORD.sub(" ", t)
    # "consultant in paediatrics" / "fellow in oncology" -> "paediatrics consultant": the index puts the
    # occupation noun last; "head of finance" style titles are index entries and are left alone
    m = IN_PHRASE.match(t.strip())
    if m:
        t = f"{m.group(2)} {m.group(1)}"
    tokens = []
    for tok in t.split():
        tok = ABBREVIATIONS.get(tok, tok)
        tokens.extend(_singular(x) for x in tok.split())
    return SPACES.sub(" ", " ".join(x for x in tokens if x and x != "/" and not x.isdigit())).strip()


@dataclass(frozen=True)
class Coded:
    title: str
    soc2020: str | None
    soc2020_title: str | None
    confidence: float
    method: str

    @property
    def low_confidence(self) -> bool:
        return self.soc2020 is None or self.confidence < LOW_CONFIDENCE


class SocCoder:
    def __init__(self, index: pd.DataFrame, unit_groups: pd.DataFrame):
        """index: the ONS coding index (job_title, soc2020, qualifier, industry); unit_groups: soc2020, title."""
        self.titles = dict(zip(unit_groups.iloc[:, 0].astype(str), unit_groups.iloc[:, 1]))
        entries: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for job_title, soc, industry in index[["job_title", "soc2020", "industry"]].itertuples(index=False):
            norm = normalise(job_title)
            if norm:
                entries[norm].append((str(soc), (industry or "").lower()))
        self.vague = {n for n, e in entries.items() if all(s == "}}}}" for s, _ in e)}
        self.entries = {n: [(s, i) for s, i in e if s != "}}}}"] for n, e in entries.items()}
        self.entries = {n: e for n, e in self.entries.items() if e}
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
        self.idf = dict(zip(self.vocabulary, self.idf_array))
        self.matrix = matrix
        self.head_index = np.array(heads)
        # each title's own weight: its tokens' IDF, its head word counting double
        self.self_weight = np.asarray(matrix @ self.idf_array).ravel() + self.idf_array[self.head_index]
        self.cand_length = np.array([len(c) for c in self.candidates])
        self._cached = lru_cache(maxsize=200_000)(self._code_normalised)
        self._known = lru_cache(maxsize=50_000)(self._known_token)

    @classmethod
    def from_files(cls, index_csv, unit_groups_csv) -> "SocCoder":
        index = pd.read_csv(index_csv, dtype=str, keep_default_na=False)
        groups = pd.read_csv(unit_groups_csv, dtype=str, keep_default_na=False)[["soc2020_unit_group", "soc2020_title"]]
        return cls(index, groups)

    def code(self, title: str, context: str = "") -> Coded:
        norm = normalise(title)
        soc, conf, method = self._cached(norm, (context or "").lower())
        return Coded(title, soc, self.titles.get(soc) if soc else None, conf, method)

    def code_many(self, titles, contexts=None) -> list[Coded]:
        contexts = contexts if contexts is not None else [""] * len(titles)
        return [self.code(t, c) for t, c in zip(titles, contexts)]

    def _pick(self, candidates: list[tuple[str, str]], context: str) -> tuple[str, float, str]:
        socs = Counter(s for s, _ in candidates)
        if len(socs) == 1:
            return next(iter(socs)), 1.0, "exact"
        if context:
            ctx = set(re.findall(r"[a-z]+", context))
            scored = [(len(set(re.findall(r"[a-z]+", ind)) & ctx), s) for s, ind in candidates if ind]
            best = max(scored, default=(0, None))
            if best[0] > 0:
                return best[1], 0.9, "exact_context"
        general = [s for s, ind in candidates if not ind]
        pool = Counter(general) if general else socs
        return pool.most_common(1)[0][0], 0.75, "exact_ambiguous"

    def _code_normalised(self, norm: str, context: str) -> tuple[str | None, float, str]:
        if not norm:
            return None, 0.0, "uncoded"
        if norm in self.entries:
            return self._pick(self.entries[norm], context)
        if norm in self.vague:
            return None, 0.0, "too_vague"
        tokens = norm.split()
        stripped = " ".join(t for t in tokens if t not in SENIORITY)
        if stripped and stripped != norm and stripped in self.entries:
            soc, conf, _ = self._pick(self.entries[stripped], context)
            return soc, round(conf * 0.9, 3), "exact_stripped"
        return self._fuzzy(tokens, context)

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

    def _fuzzy(self, tokens: list[str], context: str) -> tuple[str | None, float, str]:
        known = list(dict.fromkeys(k for k in (self._known(t) for t in tokens) if k))
        if not known:
            return None, 0.0, "uncoded"
        head = self.vocab[known[-1]]  # the last word names the occupation ("care *worker*")
        columns = np.array([self.vocab[t] for t in known])
        weights = self.idf_array[columns] * np.where(columns == head, 2.0, 1.0)
        shared = self.matrix[:, columns] @ weights  # IDF weight of the tokens each title shares
        score = shared / np.sqrt(weights.sum() * self.self_weight)
        score[self.head_index != head] *= 0.8  # a different occupation noun is a weaker match
        best_score = score.max()
        if best_score <= 0 or best_score < FUZZY_MIN_OVERLAP:
            return None, round(float(max(best_score, 0.0)), 3), "uncoded"
        ties = np.flatnonzero(score == best_score)
        best = self.candidates[ties[np.argmin(self.cand_length[ties])]]  # the plainest title wins a tie
        soc, _, _ = self._pick(self.entries[best], context)
        return soc, round(0.9 * float(best_score), 3), "fuzzy"
