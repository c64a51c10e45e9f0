"""Pick a model class by name, the one place that knows every implementation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from numpy.typing import NDArray

from semrec.data.errors import ValidationError
from semrec.models.als import ALS
from semrec.models.base import Model, param_names
from semrec.models.bpr import BPR
from semrec.models.ease import EASE
from semrec.models.itemknn import ItemKNN
from semrec.models.popularity import Popularity

__all__ = ["MODELS", "make_model", "model_class", "restore_model"]

#: Every model by its `name`.
MODELS: Final[Mapping[str, type[Model]]] = {
    cls.name: cls for cls in (Popularity, ItemKNN, EASE, ALS, BPR)
}


def model_class(name: str) -> type[Model]:
    """The model class registered under `name`, or `ValidationError` listing the names."""
    try:
        return MODELS[name]
    except (KeyError, TypeError):
        raise ValidationError("model", name, f"one of {', '.join(sorted(MODELS))}") from None


def _check_params(cls: type[Model], params: Mapping[str, Any] | None) -> dict[str, Any]:
    """`params` as a dict, or `ValidationError` naming the first unknown key."""
    given = dict(params or {})
    allowed = param_names(cls)
    for key in given:
        if key not in allowed:
            expected = f"one of {', '.join(allowed)}" if allowed else "no parameters"
            raise ValidationError(f"model.{cls.name}.{key}", given[key], expected)
    return given


def make_model(name: str, params: Mapping[str, Any] | None = None) -> Model:
    """A new, unfitted model of the given name with the given parameters.

    >>> make_model("ease", {"l2": 100.0}).params
    {'l2': 100.0, 'max_items': 20000}
    """
    cls = model_class(name)
    return cls(**_check_params(cls, params))


def restore_model(
    name: str, arrays: Mapping[str, NDArray[Any]], params: Mapping[str, Any] | None = None
) -> Model:
    """A fitted model rebuilt from its `to_arrays` output and `params`."""
    cls = model_class(name)
    return cls.from_arrays(arrays, _check_params(cls, params))
