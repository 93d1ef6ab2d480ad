#!/usr/bin/python3
"""Re-executes notebooks against the real, locally installed kernels and stores their outputs in place.

Usage (Debian's interpreter, which has nbclient and nbformat: apt-get install python3-nbclient python3-nbformat):

    /usr/bin/python3 notebooks-tests/notebooks/regenerate.py             # every *.ipynb under this folder
    /usr/bin/python3 notebooks-tests/notebooks/regenerate.py a.ipynb ... # only these

Each notebook runs in a fresh kernel named by its metadata.kernelspec.name, all code cells in order, errors
allowed (an error output does not stop the notebook). The stored outputs are what nbclient (a plain Jupyter
front end talking straight to the kernel over ZMQ) recorded, with one post-processing step: consecutive stream
outputs of the same name are joined into one, as front ends display them. No timing metadata is recorded.
"""
import pathlib
import sys
import tempfile

import nbformat
from nbclient import NotebookClient

HERE = pathlib.Path(__file__).resolve().parent


def join_consecutive_streams(cell):
    merged = []
    for output in cell.get("outputs", []):
        previous = merged[-1] if merged else None
        if (output.output_type == "stream" and previous is not None and previous.output_type == "stream"
                and previous.name == output.name):
            previous.text += output.text
        else:
            merged.append(output)
    cell.outputs = merged


def regenerate(path):
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="kernelgate-nb-") as cwd:
        client = NotebookClient(nb, kernel_name=nb.metadata.kernelspec.name, timeout=120, allow_errors=True,
                                record_timing=False, resources={"metadata": {"path": cwd}})
        client.execute()
    for cell in nb.cells:
        if cell.cell_type == "code":
            join_consecutive_streams(cell)
            cell.metadata.pop("execution", None)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    print(f"regenerated {path.relative_to(HERE) if path.is_relative_to(HERE) else path}")


def main(args):
    paths = [pathlib.Path(a).resolve() for a in args] or sorted(HERE.rglob("*.ipynb"))
    for path in paths:
        regenerate(path)


if __name__ == "__main__":
    main(sys.argv[1:])
