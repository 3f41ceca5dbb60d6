"""Imported by the batch's fork server (extractor.batch.PRELOAD), never by the batch itself:
builds the extraction pipeline in the server, so every worker forked from it starts with the
pipeline, the lexicons and Morfeusz ready (about a second and a half each, otherwise) and
shares their memory pages with the others until it writes to them."""
from .batch import warm_up

warm_up()
