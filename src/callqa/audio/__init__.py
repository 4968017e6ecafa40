"""Call recordings: decoding, speech to text, per-channel roles, and the signal measures built on them."""
