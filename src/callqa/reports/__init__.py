"""Quality analysis reports (individual, team, centre) as HTML and PDF, and their scheduled delivery."""
