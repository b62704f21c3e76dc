"""A face encoding column that is compact on every database.

On PostgreSQL it is pgvector's vector (of any length when dimensions is None: each encoder's own, issue
24; the HNSW indexes cast it to the encoder's length, face.search_backends.pgvector_backend); elsewhere
the float32 numbers as bytes (512 bytes for 128). Python sees a numpy float32 array either way.
"""

import numpy as np
from django.db import models


def vector_literal(vector):
    """pgvector's text form. Nine significant digits give back the very same float32 (strtof), so
    pgvector and the numpy backend compute distances on identical numbers."""
    return "[" + ",".join(f"{x:.9g}" for x in np.asarray(vector, dtype=np.float32).tolist()) + "]"


class EmbeddingField(models.Field):
    description = "face encoding (float32 vector)"

    def __init__(self, *args, dimensions=128, **kwargs):
        self.dimensions = dimensions
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["dimensions"] = self.dimensions
        return name, path, args, kwargs

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return f"vector({self.dimensions})" if self.dimensions else "vector"
        return connection.data_types["BinaryField"]

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None:
            return None
        if isinstance(value, (bytes, bytearray, memoryview)):
            return np.frombuffer(bytes(value), dtype=np.float32).copy()
        if isinstance(value, str):  # pgvector's text form "[0.1,0.2,...]", or value_to_string's "0.1,0.2,..."
            value = value.strip().strip("[]")
            return np.array(value.split(","), dtype=np.float32) if value else None
        return np.asarray(value, dtype=np.float32)

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        vector = np.asarray(value, dtype=np.float32).reshape(-1)
        if self.dimensions and vector.shape[0] != self.dimensions:
            raise ValueError(f"expected {self.dimensions} numbers, got {vector.shape[0]}")
        if not np.isfinite(vector).all():
            raise ValueError("a face encoding must not contain NaN or infinity")
        if connection.vendor == "postgresql":
            return vector_literal(vector)
        return vector.tobytes()

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else vector_literal(value).strip("[]")
