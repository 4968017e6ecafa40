"""Live calls: the streaming protocol, live rules, the monitor, supervisor board and agent assist."""
