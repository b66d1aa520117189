#!/usr/bin/python3
"""Independent references for tests/core/io/tst_safetensors.cpp, made with numpy only.

Run with Debian's /usr/bin/python3 (it has numpy; the python3 first on PATH may not):
    /usr/bin/python3 scripts/refs/make_safetensors_reference.py

1. Reads tests/data/model_fixture.safetensors (written by Unroll's writer; the C++ test regenerates it with
   UNROLL_REGENERATE_FIXTURES=1) with read_unroll() taken verbatim from docs/formats.md, so the documented reader is
   the one tested, and writes what numpy sees to tests/data/model_fixture.numpy.json: the metadata, the decoded
   vocabulary, and per tensor its name, dtype, shape and row-major values. Each value is the exact decimal expansion
   of the float32 (every float32 is exactly a double, and Decimal(float) is exact), as a string, so the test can
   compare bit for bit, the sign of zero included.
2. Writes tests/data/numpy_written.safetensors with write_safetensors() below, which uses only json, struct and numpy
   and differs from Unroll's writer on purpose: json.dumps' default separators and \\u escapes, tensors in insertion
   order rather than name order, an F64 tensor, a 0-size and a 0-d tensor. The test checks Unroll reads it.
"""
import decimal
import json
import pathlib
import re
import struct

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def load_documented_reader():
    """The ```python block of docs/formats.md that defines read_unroll, executed as written."""
    text = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "def read_unroll" in b]
    assert len(blocks) == 1, "docs/formats.md must hold exactly one read_unroll block"
    namespace = {}
    exec(compile(blocks[0], "docs/formats.md", "exec"), namespace)
    return namespace["read_unroll"]


def write_safetensors(path, tensors, metadata):
    """A minimal safetensors writer: {name: array} in insertion order, F32/F64 only."""
    header, blobs, offset = {}, [], 0
    for name, a in tensors.items():
        kind = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64"}[a.dtype]
        blob = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": kind, "shape": list(a.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = metadata
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def exact(x):
    return str(decimal.Decimal(float(x)))


def main():
    read_unroll = load_documented_reader()

    fixture = DATA / "model_fixture.safetensors"
    metadata, tensors = read_unroll(fixture)
    view = {
        "source": "tests/data/model_fixture.safetensors, written by Unroll (tst_safetensors fixtureModel())",
        "reader": "read_unroll() from docs/formats.md, run by scripts/refs/make_safetensors_reference.py",
        "numpy": np.__version__,
        "metadata": metadata,
        "vocab": json.loads(metadata["vocab"]),
        "tensors": [
            {
                "name": name,
                "dtype": str(a.dtype),
                "shape": list(a.shape),
                "values": [exact(v) for v in a.ravel(order="C")],
            }
            for name, a in sorted(tensors.items())
        ],
    }
    out = DATA / "model_fixture.numpy.json"
    out.write_text(json.dumps(view, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}: {len(tensors)} tensors, {sum(a.size for a in tensors.values())} values")

    written = {
        "zeta": np.arange(6, dtype=np.float32).reshape(2, 3) / np.float32(7),
        "alpha": np.array([0.1, -2.5, 1 / 3], dtype=np.float64),
        "empty": np.zeros((0, 4), dtype=np.float32),
        "scalar": np.array(3.25, dtype=np.float32),
        "cube": np.arange(8, dtype=np.float32).reshape(2, 2, 2) - np.float32(3.5),
    }
    assert written["zeta"].dtype == np.float32 and written["cube"].dtype == np.float32
    numpy_file = DATA / "numpy_written.safetensors"
    write_safetensors(numpy_file, written, {"format": "numpy-test", "note": "é€𝄞"})
    back_meta, back = read_unroll(numpy_file)  # the documented reader reads what the minimal writer wrote
    assert back_meta["note"] == "é€𝄞" and list(back) == list(written)
    assert all(np.array_equal(back[k], v) and back[k].dtype == v.dtype for k, v in written.items())
    print(f"wrote {numpy_file.relative_to(ROOT)}: {numpy_file.stat().st_size} bytes")


if __name__ == "__main__":
    main()
