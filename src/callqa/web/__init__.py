"""The web app and REST API (FastAPI): thin handlers over the library's services and access policies."""
