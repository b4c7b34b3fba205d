from casework.migrations import run_env
from lettings.models import Base

run_env(Base.metadata)
