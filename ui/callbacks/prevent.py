"""What the callbacks share: a plain function's "nothing changes" (None) turned into Dash's no update."""

from __future__ import annotations

from typing import Any

import dash

__all__ = ["or_prevent"]


def or_prevent(result: Any) -> Any:
    """``result``, or no update at all when it is None."""
    if result is None:
        raise dash.exceptions.PreventUpdate
    return result
