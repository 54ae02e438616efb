"""After the choice: pure judgement of what a path's browser held and sent before and after the choice.

The gatherer (auditor/gather/aftermath.py) records raw cookies, storage and third-party requests in
``PathTrace.aftermath``; this package classifies them with maintained, vendored data (auditor/aftermath_data)
and decodes consent strings, so a saved trace is re-judged with a refreshed list by ``rescore``.
"""
