"""The workflow floor: the state machine every domain stands on.

It owns the policy (model and store), who may edit what in which state, the transitions and
their guards, and the announcement that a draft's content changed. Domains register the
guards they own facts for and listen for content changes; this package imports no domain
service (see docs/architecture.md).
"""
