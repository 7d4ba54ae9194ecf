"""``df.credibly.score(...)``: the pandas accessor."""

from __future__ import annotations

import pandas as pd

from .api import score_frame

__all__ = ["CrediblyAccessor"]


@pd.api.extensions.register_dataframe_accessor("credibly")
class CrediblyAccessor:
    def __init__(self, df: pd.DataFrame):
        self._df = df

    def score(self, text_column: str = "text", **kwargs) -> pd.DataFrame:
        """Same as :func:`credibly.score_frame` on this frame."""
        return score_frame(self._df, text_column, **kwargs)
