"""Where blobs live: call audio, redacted copies and waveform peaks."""
