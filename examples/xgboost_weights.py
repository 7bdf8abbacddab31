"""Train XGBoost on the train split with the manifest's class weights as sample weights.

    python examples/xgboost_weights.py out/sample

The class weights (SPEC section 8) are fitted on the original train split, so they go with
the train rows of edges.arrow. train_resampled.arrow is already balanced by SMOTE: train on
it without weights instead (see load_pandas.py), not on both at once.
"""
import json
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import xgboost as xgb

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/sample")
manifest = json.loads((out / "manifest.json").read_text())
edges = ipc.open_file(out / manifest["files"]["edges"]["file"]).read_all()


def column_with_role(role):
    return next(c["name"] for c in manifest["columns"]["edges"] if c["role"] == role)


# Model input: the z-score "<name>_z" of a scaled feature, the raw column of a code or flag.
features = [f["normalized"] or f["name"] for f in manifest["features"]["edge"]]
label, split = column_with_role("label"), column_with_role("split")
splits = edges[split].cast(pa.string())
weights = manifest["classWeights"]


def part(name):
    rows = edges.filter(pc.equal(splits, name))
    X = np.column_stack([rows[c].to_numpy() for c in features])
    y = rows[label].to_numpy()
    return X, y


X_train, y_train = part("train")
X_val, y_val = part("validation")
sample_weight = np.where(y_train == 1, weights["1"], weights["0"])
# AUC-PR is undefined on a one-class validation split (the sample's has no normal rows).
metric = "aucpr" if len(np.unique(y_val)) == 2 else "logloss"
print(f"train {X_train.shape}, weight sum per class 0/1: "
      f"{sample_weight[y_train == 0].sum():.0f} / {sample_weight[y_train == 1].sum():.0f}; eval {metric}")

dtrain = xgb.DMatrix(X_train, label=y_train, weight=sample_weight, feature_names=features)
dval = xgb.DMatrix(X_val, label=y_val, feature_names=features)
booster = xgb.train(
    {"objective": "binary:logistic", "eval_metric": metric, "max_depth": 6, "eta": 0.1},
    dtrain, num_boost_round=100, evals=[(dval, "validation")], verbose_eval=25,
)
print(booster.get_score(importance_type="gain"))
