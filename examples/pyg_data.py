"""Build a PyTorch Geometric Data object from an amlprep output folder.

    python examples/pyg_data.py out/sample

Every transaction is one directed edge (parallel edges are kept); the masks select edges,
since the task is edge classification. x is ordered by node_id, which edge_index refers to.
"""
import json
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import torch
from torch_geometric.data import Data

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/sample")
manifest = json.loads((out / "manifest.json").read_text())


def read(name):
    entry = manifest["files"][name]
    return ipc.open_file(out / entry["file"]).read_all()


def column_with_role(name, role):
    return next(c["name"] for c in manifest["columns"][name] if c["role"] == role)


def matrix(table, columns):
    return torch.from_numpy(np.column_stack([table[c].to_numpy() for c in columns])).float()


nodes, edges = read("nodes"), read("edges")
nodes = nodes.take(np.argsort(nodes[column_with_role("nodes", "id")].to_numpy()))

# Model input: the z-score "<name>_z" of a scaled feature, the raw column of a code or flag.
node_inputs = [f["normalized"] or f["name"] for f in manifest["features"]["node"]]
edge_inputs = [f["normalized"] or f["name"] for f in manifest["features"]["edge"]]
src = edges[column_with_role("edges", "source node_id")].to_numpy()
dst = edges[column_with_role("edges", "target node_id")].to_numpy()
split = edges[column_with_role("edges", "split")].cast(pa.string()).to_numpy()

data = Data(
    x=matrix(nodes, node_inputs),
    edge_index=torch.from_numpy(np.stack([src, dst]).astype(np.int64)),
    edge_attr=matrix(edges, edge_inputs),
    y=torch.from_numpy(edges[column_with_role("edges", "label")].to_numpy().astype(np.int64)),
    train_mask=torch.from_numpy(split == "train"),
    val_mask=torch.from_numpy(split == "validation"),
    test_mask=torch.from_numpy(split == "test"),
)
print(data)
