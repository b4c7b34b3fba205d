"""A gunicorn worker, once its app is loaded, puts what lasts as long as it does out of the garbage
collector's reach: a full collection walked ~170,000 such objects, a pause on one request in eight
of a large council's shortlist (bench/NOTES.md)."""

import gc
from unittest import mock

from casework import gunicorn


def test_the_worker_freezes_what_it_holds_once_its_app_is_loaded():
    with mock.patch.object(gunicorn, "answer_problems"), mock.patch("casework.collector.settle"):
        try:
            gunicorn.post_worker_init(worker=None)
            assert gc.get_freeze_count() > 1000
        finally:
            gc.unfreeze()
