"""Use cases of agreements, one module per stage, by the names of the pages' stages: the clause
library and templates (``library``), drafting, negotiating, agreeing, ending and amending MoUs and
their obligations (``mous``), signing them (``signing``) and people annexes (``annexes``). Callers
import the stage module (``from agreements.services import mous``).

Each service locks the MoU first, checks its state, changes it and writes one audit entry.
"""
