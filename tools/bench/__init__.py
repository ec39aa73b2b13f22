"""The benchmark (`make bench`): directory queries, conversation turns, memory, training and intent F1,
measured once on this machine and written to docs/benchmarks.md. `__main__` runs the steps in order.
"""
