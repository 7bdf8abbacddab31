"""Load an amlprep output folder with pandas (read_feather needs pyarrow installed).

    python examples/load_pandas.py out/sample
"""
import json
import sys
from pathlib import Path

import pandas as pd

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/sample")
manifest = json.loads((out / "manifest.json").read_text())


def read(name):
    entry = manifest["files"][name]
    frame = pd.read_feather(out / entry["file"])
    assert len(frame) == entry["rows"], f"{entry['file']}: row count differs from manifest"
    return frame


def column_with_role(name, role):
    return next(c["name"] for c in manifest["columns"][name] if c["role"] == role)


edges = read("edges")
resampled = read("trainResampled")

# Model input: the z-score "<name>_z" of a scaled feature, the raw column of a code or flag.
edge_inputs = [f["normalized"] or f["name"] for f in manifest["features"]["edge"]]
label = column_with_role("edges", "label")
split = column_with_role("edges", "split")

validation = edges[edges[split].astype(str) == "validation"]
X_val, y_val = validation[edge_inputs].to_numpy(), validation[label].to_numpy()

# train_resampled.arrow holds the same model-input columns, then the label.
features = [c["name"] for c in manifest["columns"]["trainResampled"] if c["role"].startswith("feature:")]
assert features == edge_inputs
X_train = resampled[features].to_numpy()
y_train = resampled[column_with_role("trainResampled", "label")].to_numpy()
print(f"train (resampled) {X_train.shape}, validation {X_val.shape}")
print(pd.crosstab(edges[split], edges[label]))
