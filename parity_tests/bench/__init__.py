"""``parity bench``: how fast the three implementations run, as ratios measured within one run.

Modules: ``schema`` (the ``Workload`` row, ``Settings``, the CSV's columns), ``timing`` (interleaved medians; the
machine's limits: copy bandwidth and GEMM FLOP/s), ``threads`` (one thread count for torch, TensorFlow and NumPy's
BLAS), ``workloads`` (activations, losses, initialisers), ``workloads_train`` (update rules, MLP training steps),
``output`` (bench.csv, bench_metadata.json, the summary table) and ``cli`` (``main(argv)``). Importing the package,
``schema`` or ``cli`` imports no framework; ``cli.main`` imports them when it runs. docs/bench.md has the schema.
"""
