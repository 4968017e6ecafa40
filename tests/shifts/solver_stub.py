"""The allocation these tests run: the real CP-SAT solver (the tests assert only what any correct
allocation satisfies)."""

from __future__ import annotations

from callqa.shifts.solver import allocate as allocate
