"""Loading and exporting data: the data-folder format, validation, exports."""

from orgnet.io.dataset import Dataset

__all__ = ["Dataset"]
