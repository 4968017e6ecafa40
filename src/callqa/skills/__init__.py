"""Skill profiles from measured work (agent × contact reason × language × channel) and the routing
recommendations built from them, exported in the shapes routing systems import."""
