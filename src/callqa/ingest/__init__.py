"""Getting interactions in: formats, detection, decoding, and the batch runner."""
