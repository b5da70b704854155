"""ofsted-rag: answers about Ofsted letters and council minutes, citing the exact minute point."""

__version__ = "0.1.0"
