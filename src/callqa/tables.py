"""Imports every ORM model so ``metadata`` is complete (for migrations and schema checks)."""

from __future__ import annotations

from callqa.audit import models as _audit_models  # noqa: F401
from callqa.calibration import models as _calibration_models  # noqa: F401
from callqa.coaching import models as _coaching_models  # noqa: F401
from callqa.db.base import Base
from callqa.goals import models as _goal_models  # noqa: F401
from callqa.ingest import models as _ingest_models  # noqa: F401
from callqa.insights import models as _insight_models  # noqa: F401
from callqa.interactions import models as _interaction_models  # noqa: F401
from callqa.knowledge import models as _knowledge_models  # noqa: F401
from callqa.lifecycle import models as _lifecycle_models  # noqa: F401
from callqa.live import models as _live_models  # noqa: F401
from callqa.reports import models as _report_models  # noqa: F401
from callqa.review import models as _review_models  # noqa: F401
from callqa.scoring import models as _scoring_models  # noqa: F401
from callqa.searches import models as _search_models  # noqa: F401
from callqa.shifts import models as _shift_models  # noqa: F401
from callqa.skills import models as _skill_models  # noqa: F401
from callqa.training import models as _training_models  # noqa: F401
from callqa.users import models as _user_models  # noqa: F401
from callqa.workers import models as _worker_models  # noqa: F401

metadata = Base.metadata
