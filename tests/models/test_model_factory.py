"""make_model / restore_model: names, parameters and their errors."""

from __future__ import annotations

import pytest

from semrec.data.errors import ValidationError
from semrec.models import ALS, EASE, Popularity, make_model, model_class


def test_makes_each_model_with_defaults_or_given_params() -> None:
    assert isinstance(make_model("popularity"), Popularity)
    assert isinstance(make_model("als", None), ALS)
    ease = make_model("ease", {"l2": 50})
    assert isinstance(ease, EASE) and ease.params == {"l2": 50.0, "max_items": 20000}


def test_unknown_model_names_the_field_and_the_allowed_names() -> None:
    with pytest.raises(ValidationError) as info:
        make_model("svd", {})
    assert info.value.field == "model"
    assert "als, bpr, ease, itemknn, popularity" in str(info.value)
    with pytest.raises(ValidationError, match=r"^model:"):
        model_class(["ease"])  # type: ignore[arg-type]


def test_unknown_parameter_is_named() -> None:
    with pytest.raises(ValidationError, match=r"^model\.ease\.lambda_:.*l2, max_items"):
        make_model("ease", {"lambda_": 3.0})
    with pytest.raises(ValidationError, match="no parameters"):
        make_model("popularity", {"k": 1})


def test_bad_parameter_value_is_named() -> None:
    with pytest.raises(ValidationError, match=r"^factors:"):
        make_model("als", {"factors": 0})
