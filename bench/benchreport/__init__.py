# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The bench's report (bench/report.py is its command line).  Modules, by what they hold:

  record        run.sh's raw measurement directories -> JSON lines
  stats         medians, ratios, cost per frame, bounds, checksums, client cells
  micro         bench_micro's output, read once
  stages        differences of the micro stage rows; the delivery checks' figures
  context       the Report every section reads (facts, runs, figures) and writes to
  headline      the question, the headline ratios, the targets on them, the slow peers
  method        machine, method, what a profiler can do here, how to reproduce
  macro         closed and split mode, real clients, the paced run, synx's counters
  gateway       gateway mode: synx on a router beside the peer on the same router
  micro_tables  the micro-benchmark's tables
  profiles      perf profiles of the DUT core
  targets       the project's targets, met or missed
  findings      what the numbers say
  plot          docs/benchmarks.png
  document      the sections in order
"""
