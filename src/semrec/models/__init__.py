"""Collaborative-filtering models: pure algorithms over arrays, one small contract.

Build the interaction matrix with `build_interactions`, pick a model with `make_model`, `fit`
it, then `score` history rows and select with `top_k`.
"""

from semrec.models.als import ALS
from semrec.models.base import Model
from semrec.models.bpr import BPR
from semrec.models.ease import EASE
from semrec.models.factory import MODELS, make_model, model_class, restore_model
from semrec.models.interactions import EventWeights, build_interactions, user_history_row
from semrec.models.itemknn import ItemKNN
from semrec.models.popularity import Popularity
from semrec.models.topk import top_k

__all__ = [
    "ALS",
    "BPR",
    "EASE",
    "MODELS",
    "EventWeights",
    "ItemKNN",
    "Model",
    "Popularity",
    "build_interactions",
    "make_model",
    "model_class",
    "restore_model",
    "top_k",
    "user_history_row",
]
