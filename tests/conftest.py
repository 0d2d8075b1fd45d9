"""Shared pytest set-up for the unit tests of lossbook.

* Keras must know its backend before its first import, so it is set here, first.
* torch uses one thread: the tests run thousands of tiny operations, for which thread start-up costs
  more than it saves (several times slower on a loaded 2-core machine). torch is imported where tests
  run: in each pytest-xdist worker, not in the controller, which only hands out tests (its import
  would delay every worker's start by seconds).
* One Hypothesis profile for every property test: reproducible (``derandomize``), no deadline (the first
  call into torch or Keras is slow), and a moderate number of examples so that the suite stays fast.
"""

import os

import pytest
from hypothesis import settings

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

settings.register_profile("lossbook", deadline=None, derandomize=True, max_examples=50, database=None)
settings.load_profile("lossbook")


def pytest_configure(config: pytest.Config) -> None:
    xdist_controller = getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput")
    if not xdist_controller:
        import torch

        torch.set_num_threads(1)
