"""Pointing the suite at a user's own work: ``compare_models`` (a torch model and its Keras port, layer by
layer and step by step) and ``translate`` (an optimizer, schedule, loss or layer in the other framework).
Both read the user's objects through ``bindings`` onto the conventions table (``parity_tests.conventions``),
the one knowledge base."""
