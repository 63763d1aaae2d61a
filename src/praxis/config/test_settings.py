"""Settings for the test suite: the test profile on SQLite, or PostgreSQL when
PRAXIS_TEST_DATABASE_URL names one (the PostgreSQL leg of ``make test``)."""

import os
import tempfile

os.environ["PRAXIS_PROFILE"] = "test"
os.environ.setdefault("PRAXIS_DATA_DIR", tempfile.mkdtemp(prefix="praxis-test-"))
if os.environ.get("PRAXIS_TEST_DATABASE_URL"):
    os.environ["PRAXIS_DATABASE_URL"] = os.environ["PRAXIS_TEST_DATABASE_URL"]
else:
    os.environ.pop("PRAXIS_DATABASE_URL", None)

from .settings import *  # noqa: F403
from .settings import DATABASES

# A file database (not :memory:) so that threads in concurrency tests share it.
if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
else:
    # One test database per test process, so parallel runs on one server do not collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
