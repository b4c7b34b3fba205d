"""The event contracts of every Casework service, one module per producer.

Services never import each other; what they share is this catalogue. Add fields
compatibly (optional, with defaults); a breaking change is a new major (``.v2``).
Events carry references and what consumers need to act, never free-text details or
special-category narrative (health, safeguarding), which stay in the owning service.
"""

from casework.events.registry import Catalogue

from . import intake, lettings, notifications, pages, sustainment


def build() -> Catalogue:
    """A catalogue of every published contract (the AsyncAPI document is made from this)."""
    catalogue = Catalogue()
    for module in (intake, sustainment, lettings, notifications, pages):
        module.register(catalogue)
    return catalogue


#: The catalogue producers validate against and consumers load with
#: (``from casework.contracts import catalogue``).
catalogue = build()

__all__ = ["build", "catalogue"]
