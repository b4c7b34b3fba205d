"""``python -m intake.worker``: the outbox relay, consumer and timers of intake."""

from casework.worker import main
from intake.service import SERVICE

if __name__ == "__main__":
    main(SERVICE)
