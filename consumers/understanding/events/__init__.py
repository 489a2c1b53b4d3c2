"""Arrest-family event frames read off the dependency parse.

Who was arrested/detained/jailed/charged/indicted/remanded, by whom, where and when,
what role the target has (opposition / government / unknown; ``roles``) and
whether the sentence actually reports the event (status "reported") or only mentions
it: negated, released, called_for, warrant, possible, background (``status``).
"""
from .frames import EVENT, find_frames

__all__ = ["EVENT", "find_frames"]
