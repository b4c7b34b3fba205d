"""``python -m notifications.worker``: the outbox relay, consumer and timers of notifications."""

from casework.worker import main
from notifications.service import SERVICE

if __name__ == "__main__":
    main(SERVICE)
