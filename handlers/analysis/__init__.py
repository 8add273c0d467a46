"""Do strikes rise after contacts? The event study behind /analysis and `callwatch analyze`.

One process-wide setting is made here, before numpy loads: OpenBLAS gets one thread unless the operator chose
otherwise. The model's matrices are about 1,300 × 50; threads cannot speed that up, but on a busy host their
hand-offs made `/analysis` take 3 s instead of 0.12 s (bench/analysis.py measures both). Nothing else in
callwatch does linear algebra.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
