"""Shift bidding (seed 001): shifts and the headcount each interval needs, agents' ranked bids in a window,
and allocations solved with the CP-SAT solver under documented, configurable rules."""
