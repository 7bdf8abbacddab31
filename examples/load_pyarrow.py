"""Load an amlprep output folder with pyarrow, choosing columns by their manifest role.

    python examples/load_pyarrow.py out/sample
"""
import json
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/sample")
manifest = json.loads((out / "manifest.json").read_text())


def read(name):
    entry = manifest["files"][name]
    table = ipc.open_file(out / entry["file"]).read_all()
    assert table.num_rows == entry["rows"], f"{entry['file']}: row count differs from manifest"
    return table


def column_with_role(name, role):
    return next(c["name"] for c in manifest["columns"][name] if c["role"] == role)


nodes, edges = read("nodes"), read("edges")

# Model input: the z-score "<name>_z" of a scaled feature, the raw column of a code or flag.
edge_inputs = [f["normalized"] or f["name"] for f in manifest["features"]["edge"]]
label = column_with_role("edges", "label")
split = column_with_role("edges", "split")

splits = edges[split].cast(pa.string())
for part in ("train", "validation", "test"):
    rows = edges.filter(pc.equal(splits, part))
    X = np.column_stack([rows[c].to_numpy() for c in edge_inputs])
    y = rows[label].to_numpy()
    print(f"{part:<10} X {X.shape}  laundering {int(y.sum())}")
print(f"nodes {nodes.num_rows}, edges {edges.num_rows}, class weights {manifest['classWeights']}")
