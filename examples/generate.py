#!/usr/bin/python3
"""Writes examples/demo-repo: a small ML repository with real model files.

Run with Debian's python (it sees python3-torch, python3-onnx, python3-sklearn):
    apt-get install -y --no-install-recommends python3-torch python3-onnx python3-sklearn python3-numpy
    /usr/bin/python3 examples/generate.py

The weights are made by the frameworks themselves (torch.save, torch.onnx.export,
pickle of a fitted scikit-learn pipeline). Only the deliberately broken and the
pointer files are written byte by byte, to show what ModelGate reports for them.
Seeds are fixed; torch's zip writer still stamps a random key in legacy files,
so re-running may change a few bytes.
"""
import hashlib
import json
import os
import pickle
import struct
import sys

import numpy as np
import torch
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo-repo")


def path(*parts):
    p = os.path.join(ROOT, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def write_text(rel, text):
    with open(path(*rel.split("/")), "w", newline="\n") as f:
        f.write(text)


class TinyNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(4, 8)
        self.act = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def safetensors_bytes(state):
    """The safetensors layout (8-byte header length, JSON header, raw little-endian data)."""
    header, blobs, offset = {}, [], 0
    for name, tensor in state.items():
        data = tensor.detach().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + b"".join(blobs)


def main():
    torch.manual_seed(0)
    net = TinyNet().eval()
    state = net.state_dict()

    # Hugging Face style model folder.
    torch.save(state, path("models", "iris-classifier", "pytorch_model.bin"))
    with open(path("models", "iris-classifier", "model.safetensors"), "wb") as f:
        f.write(safetensors_bytes(state))
    torch.onnx.export(net, torch.zeros(1, 4), path("models", "iris-classifier", "model.onnx"),
                      input_names=["features"], output_names=["logits"],
                      dynamic_axes={"features": {0: "batch"}}, opset_version=13)
    write_text("models/iris-classifier/README.md", """---
license: apache-2.0
library_name: pytorch
pipeline_tag: tabular-classification
datasets:
- iris
tags:
- demo
---
# iris-classifier

A three-class classifier for the iris data set, trained for the ModelGate demo.
""")

    # A whole-model pickle: loading it imports user code.
    torch.save(net, path("models", "full_model.pt"))

    # A scikit-learn pipeline, pickled.
    iris = load_iris()
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=200))]).fit(iris.data, iris.target)
    with open(path("models", "sklearn", "pipeline.pkl"), "wb") as f:
        pickle.dump(pipe, f, protocol=4)

    # A safetensors file cut short: its header claims more bytes than the file has.
    good = safetensors_bytes(state)
    with open(path("models", "broken", "model.safetensors"), "wb") as f:
        f.write(good[:40])

    # A pickle that would run a shell command when loaded. Written opcode by opcode (never
    # pickled from a live object, never loaded): GLOBAL os.system, the argument, REDUCE.
    with open(path("models", "suspicious", "checkpoint.pkl"), "wb") as f:
        f.write(b"\x80\x02cos\nsystem\nq\x00X\x15\x00\x00\x00echo pwned by a modelq\x01\x85q\x02Rq\x03.")

    # Code that pulls a model from the Hub at run time without pinning a revision.
    write_text("train.py", '''from transformers import AutoModelForSequenceClassification

# Pin revision= to a commit sha: a branch name follows whatever the owner pushes next.
model = AutoModelForSequenceClassification.from_pretrained(
    "distilbert/distilbert-base-uncased",
    num_labels=3,
)
''')

    # A Git LFS pointer: ModelGate records the oid and size without fetching the blob.
    blob = good
    write_text("models/large/model.safetensors",
               "version https://git-lfs.github.com/spec/v1\n"
               f"oid sha256:{hashlib.sha256(blob).hexdigest()}\nsize {len(blob)}\n")

    # Data: the iris table as CSV and JSON lines, with a dataset card.
    rows = ["sepal_length,sepal_width,petal_length,petal_width,species"]
    lines = []
    for x, y in zip(iris.data, iris.target):
        rows.append(",".join(f"{v:.1f}" for v in x) + f",{iris.target_names[y]}")
        lines.append(json.dumps({"features": [round(float(v), 1) for v in x], "label": int(y)}))
    write_text("data/iris/train.csv", "\n".join(rows) + "\n")
    write_text("data/iris/train.jsonl", "\n".join(lines) + "\n")
    np.save(path("data", "iris", "features.npy"), iris.data.astype(np.float32))
    write_text("data/iris/README.md", """---
license: cc-by-4.0
pretty_name: Iris
task_categories:
- tabular-classification
size_categories:
- n<1K
source_datasets:
- original
---
# Iris

Fisher's iris measurements (150 rows), as shipped with scikit-learn.
""")

    write_text("requirements.txt", "torch==1.13.1\nscikit-learn>=1.2\ntransformers\nnumpy==1.24.2\n")
    write_text(".modelgate.yml", """# ModelGate policy for the demo repository (see docs/config.md).
ignore:
  - "scratch/**"
licenses:
  deny:
    - CC-BY-NC-4.0
severity:
  unknown-global: warning
""")
    write_text("scratch/notes.txt", "scratch space: ignored by .modelgate.yml\n")
    write_text("scratch/experiment.pt", "not scanned: the folder is ignored\n")
    print("wrote", ROOT, file=sys.stderr)


if __name__ == "__main__":
    main()
