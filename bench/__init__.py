"""`python -m bench` prints the benchmark table: medians, baselines from the same run, targets."""
