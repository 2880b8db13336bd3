"""Signed agreements: each administration's certificate authority (``keys``, ``services``), PAdES
signatures on the agreement's PDF/A-3 (``pdf``), and the verification of an uploaded PDF
(``verification``, which reads the file in a separate process with ``inspection``)."""
