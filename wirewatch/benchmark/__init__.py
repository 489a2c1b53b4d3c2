"""`wirewatch bench`: how fast each part of wirewatch is on this machine, in one run.

One module per thing measured: ``bus_throughput`` (raw kafka-python), ``nlp_throughput``
(Analyzer + matching, no Kafka, no DB), ``db_throughput`` (PostgresStore.save_batch),
``pipeline_throughput`` (real `wirewatch consume` processes end to end),
``latency`` (paced load, ack → DB commit), ``matching_cost`` (cost per item vs topic
count). ``stats`` and ``report`` are pure (percentiles, targets, the markdown table);
``runner`` sequences the phases and writes bench/results.json and bench/results.md.
"""
