"""Human review of AI evaluations: overrides with reasons, sharing with the agent, disputes, notifications."""
