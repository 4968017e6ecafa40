"""The data lifecycle: retention by age, legal holds that override it, and erasure on request."""
