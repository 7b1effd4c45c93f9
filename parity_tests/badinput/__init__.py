"""The bad-input contract of the three packages as one table and one check, run in every report (the gate
included): ``rows`` (the row type and what rows share), ``activations``, ``losses``, ``optimizers``, ``other`` (the
rows, by family), ``table`` (the whole table, the rows a selection covers), ``contract`` (one row's ``Verdict``),
``report`` (its report rows). Importing a module here imports the frameworks, as the cases do."""
