"""``python -m lettings.worker``: the outbox relay, consumer and timers of lettings."""

from casework.worker import main
from lettings.service import SERVICE

if __name__ == "__main__":
    main(SERVICE)
