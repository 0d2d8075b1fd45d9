"""Shared pytest set-up for the unit tests of lossbook.

* Keras must know its backend before its first import, so it is set here, first.
* One Hypothesis profile for every property test: reproducible (``derandomize``), no deadline (the first
  call into torch or Keras is slow), and a moderate number of examples so that the suite stays fast.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

from hypothesis import settings

settings.register_profile("lossbook", deadline=None, derandomize=True, max_examples=50, database=None)
settings.load_profile("lossbook")
