"""Load an amlprep output folder with polars, choosing columns by their manifest role.

    python examples/load_polars.py out/sample
"""
import json
import sys
from pathlib import Path

import polars as pl

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/sample")
manifest = json.loads((out / "manifest.json").read_text())


def read(name):
    entry = manifest["files"][name]
    frame = pl.read_ipc(out / entry["file"], memory_map=False)
    assert frame.height == entry["rows"], f"{entry['file']}: row count differs from manifest"
    return frame


def column_with_role(name, role):
    return next(c["name"] for c in manifest["columns"][name] if c["role"] == role)


edges = read("edges")

# Model input: the z-score "<name>_z" of a scaled feature, the raw column of a code or flag.
edge_inputs = [f["normalized"] or f["name"] for f in manifest["features"]["edge"]]
label = column_with_role("edges", "label")
split = column_with_role("edges", "split")

train = edges.filter(pl.col(split).cast(pl.Utf8) == "train")
X, y = train.select(edge_inputs).to_numpy(), train.get_column(label).to_numpy()
print(f"train X {X.shape}, laundering {int(y.sum())}")
print(edges.group_by(pl.col(split).cast(pl.Utf8), label).len().sort(split, label))
