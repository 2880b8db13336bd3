"""Use cases of accreditation, one module per stage of the process: callers import the stage
module (``from accreditation.services import decisions``)."""
