"""The service layer: `Recommender` wires the write, read and train paths together."""

from semrec.service.recommender import IngestReport, Recommender
from semrec.service.training import TrainReport

__all__ = ["IngestReport", "Recommender", "TrainReport"]
