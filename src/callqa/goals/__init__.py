"""Goals (a metric's target for the centre, a team or an agent, per week, month or quarter) and the
leaderboard."""
