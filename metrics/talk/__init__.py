"""Meeting health: the talk classifier, its corpus and evaluation, and meeting-level measures.

Kept free of imports so that ``python -m dashboard classify`` loads only what it uses:
:mod:`metrics.talk.classifier` for labelling, :mod:`metrics.talk.measures` for the SQL measures,
:mod:`metrics.talk.reclassify` for relabelling stored utterances.
"""
