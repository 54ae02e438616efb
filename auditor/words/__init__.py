"""The project's vocabulary for page text and for its own sentences: phrase lists in 26 languages
(``phrases``) and the few words reports and findings share (``wording``). Part of the small stable API
heuristics build on, with ``auditor.trace``, ``auditor.findings`` and ``auditor.classifier``."""
