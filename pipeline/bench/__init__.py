"""Benchmark tooling: a seeded generator of realistic news corpora with their ground truth
(`pipeline.bench.corpus`) and the speed/scale benchmark over it (`pipeline.bench.run`).

Nothing here is imported by the pipeline itself."""
