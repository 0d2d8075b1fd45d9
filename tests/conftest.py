"""Shared pytest set-up for the unit tests of lossbook.

* Keras must know its backend before its first import, so it is set here, first.
* torch uses one thread: the tests run thousands of tiny operations, for which thread start-up costs
  more than it saves (several times slower on a loaded 2-core machine).
* One Hypothesis profile for every property test: reproducible (``derandomize``), no deadline (the first
  call into torch or Keras is slow), and a moderate number of examples so that the suite stays fast.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

import torch
from hypothesis import settings

torch.set_num_threads(1)

settings.register_profile("lossbook", deadline=None, derandomize=True, max_examples=50, database=None)
settings.load_profile("lossbook")
