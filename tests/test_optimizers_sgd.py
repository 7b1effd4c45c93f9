"""The NumPy SGD rule as an optax-style pair: frozen keyword-only hyperparameters, a pure update (the
trajectories against torch and Keras are tests/test_trajectory.py's)."""
import inspect

import numpy as np

import reference_numpy.optimizers_sgd as n


def test_numpy_hyperparameters_are_the_keyword_only_arguments():
    parameters = inspect.signature(n.sgd).parameters.values()
    assert all(p.kind is p.KEYWORD_ONLY for p in parameters)
    assert n._SGDHyperparameters._fields == tuple(p.name for p in parameters)


def test_update_is_pure_and_counts_steps():
    rule = n.sgd(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
    params = (np.ones((2, 3)), np.arange(4.0))
    state = rule.init(params)
    grads = (np.full((2, 3), 0.5), np.ones(4))
    first = rule.update(grads, state, params)
    assert np.array_equal(params[0], np.ones((2, 3))) and state.step == 0 and not state.momentum[0].any()
    again = rule.update(grads, state, params)
    assert all(np.array_equal(a, b) for a, b in zip(first[0] + first[1].momentum, again[0] + again[1].momentum))
    assert first[1].step == 1 and np.array_equal(first[1].momentum[1], grads[1] + 0.01 * params[1])  # v_1 = g_1
    assert rule.update((), rule.init(()), ()) == ((), n._SGDState(1, ()))  # no parameters: nothing to do
