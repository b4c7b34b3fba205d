"""Casework for developers and tests (the ``casework-dev`` distribution): the embedded system that
``casework run`` starts, the process supervisor behind ``casework up`` and the tests' real
processes, and the test harnesses (``pytest_plugins = ["casework_dev.testing"]``).

A service image installs ``casework-shared`` and its own distribution only: none of this runs in
production, so none of it ships there.
"""
