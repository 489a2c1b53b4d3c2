"""Topic matching: topic files, the boolean query language, presearch and the matcher.

Pure logic: no Kafka, database, SMTP or HTTP here. Typical use::

    topics = TopicFileWatcher(settings.topics_file)      # or load_topics(path)
    matcher = Matcher(topics.poll())
    for match in matcher.match(MatchInput(id, headline, body, analysis)):
        store(match.explanation())

The benchmark and its generated topics live in ``bench/`` (``matching_bench``, ``synthetic_topics``).
"""
from consumers.matching.conditions import EntityCondition, EventCondition
from consumers.matching.engine import Hit, Match, Matcher, MatchInput
from consumers.matching.offline import match_jsonl
from consumers.matching.presearch import Presearcher, document_frequencies
from consumers.matching.query import QueryError, parse_query
from consumers.matching.topics import (
    Topic,
    TopicError,
    TopicFileError,
    TopicFileWatcher,
    TopicSet,
    load_topics,
    parse_topics,
    topic_from_dict,
    topics_from_dicts,
)

__all__ = [
    "EntityCondition", "EventCondition", "Hit", "Match", "MatchInput", "Matcher",
    "Presearcher", "QueryError", "Topic", "TopicError", "TopicFileError",
    "TopicFileWatcher", "TopicSet", "document_frequencies",
    "load_topics", "match_jsonl", "parse_query", "parse_topics",
    "topic_from_dict", "topics_from_dicts",
]
