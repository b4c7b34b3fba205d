from casework.migrations import run_env
from sustainment.models import Base

run_env(Base.metadata)
