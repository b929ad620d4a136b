"""Exports to the analysts' tools: STIX 2.1 and MISP with DISARM, ClaimReview, Label Studio."""
