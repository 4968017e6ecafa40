"""Cross-domain reads for the surfaces: interaction search, detail and dashboard shaping."""
