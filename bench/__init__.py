"""Benchmarks and evaluation harnesses; nothing here is imported by the running pipeline.

`wirewatch bench` (one run, every part): one module per thing measured: ``bus_throughput``
(raw kafka-python), ``nlp_throughput`` (Analyzer + matching, no Kafka, no DB), ``db_throughput``
(PostgresStore.save_batch), ``pipeline_throughput`` (real `wirewatch consume` processes end to
end), ``latency`` (paced load, ack → DB commit), ``matching_cost`` (cost per item vs topic count),
``worst_case`` and ``sandbox_cost``. ``stats`` and ``report`` are pure (percentiles, targets, the
markdown table); ``runner`` sequences the phases and writes bench/results.json and bench/results.md.

Also here: ``sql_bench`` (the analyst SQL surface), ``matching_bench`` with ``synthetic_topics``
(generated watch topics), and the evaluation harnesses behind `wirewatch eval`: ``ner_eval`` and
``topic_eval``.
"""
