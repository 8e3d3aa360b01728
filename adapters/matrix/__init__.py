"""Matrix adapter (matrix-nio): rooms, DMs, pills, threads, numbered choices, images, edits."""

from salon.adapters.matrix.adapter import MatrixAdapter
from salon.adapters.matrix.config import MatrixConfig

__all__ = ["MatrixAdapter", "MatrixConfig"]
