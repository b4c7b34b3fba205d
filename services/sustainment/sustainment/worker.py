"""``python -m sustainment.worker``: the outbox relay, consumer and timers of sustainment."""

from casework.worker import main
from sustainment.service import SERVICE

if __name__ == "__main__":
    main(SERVICE)
