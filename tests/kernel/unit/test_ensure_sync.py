"""``CaseworkFlask.ensure_sync``: Flask's answer, remembered for each function."""

import pytest

from casework.web.app import CaseworkFlask


def plain():
    return "plain"


async def coroutine():
    return "coroutine"


class View:
    def get(self):
        return "method"

    async def post(self):
        return "async method"


def test_a_plain_function_or_method_is_itself():
    app = CaseworkFlask("test")
    view = View()
    for _ in range(2):  # asked, then remembered
        assert app.ensure_sync(plain) is plain
        bound = view.get
        assert app.ensure_sync(bound) is bound
    assert plain in app._sync and View.get in app._sync


@pytest.mark.parametrize("func", [coroutine, View().post])
def test_a_coroutine_is_wrapped_as_flask_wraps_it(func):
    app = CaseworkFlask("test")
    for _ in range(2):
        try:
            wrapped = app.ensure_sync(func)
        except RuntimeError as error:  # Flask's own answer without asgiref installed
            assert "async" in str(error).lower()
            continue
        assert wrapped is not func
        assert wrapped() in ("coroutine", "async method")


def test_what_it_remembers_is_bounded():
    app = CaseworkFlask("test")
    app.MAX_KNOWN_SYNC = 3
    made = [eval("lambda: None") for _ in range(10)]  # noqa: S307 - new function objects
    for func in made:
        assert app.ensure_sync(func) is func
    assert len(app._sync) == 3
